@echo off
rem The Helm plugin's command on Windows: runs the bundled CLI that a release ref carries
rem (dist\bin\helm-canary.mjs) with node, passing the arguments after `helm canary`.
rem Only node is needed: no npm, no node_modules, no network. helm sets HELM_PLUGIN_DIR.
setlocal
if defined HELM_PLUGIN_DIR (set "hc_dir=%HELM_PLUGIN_DIR%") else (set "hc_dir=%~dp0..\..")
set "hc_cli=%hc_dir%\dist\bin\helm-canary.mjs"
if not exist "%hc_cli%" goto no_dist
where node >nul 2>nul || goto no_node
node "%hc_cli%" %*
exit /b %ERRORLEVEL%

:no_dist
>&2 echo helm canary: %hc_cli% is missing: this plugin was installed from a ref that is not a release.
>&2 echo Release tags carry the built CLI; branches such as main do not, and the plugin builds nothing.
>&2 echo Install a release tag: helm plugin uninstall canary, then
>&2 echo   helm plugin install ^<repository URL^> --version v0   [helm 4: add --verify=false]
>&2 echo or build a checkout and install its path: npm ci, npm run build, helm plugin install ^<path^>
exit /b 3

:no_node
>&2 echo helm canary: node is not on PATH; the plugin runs on Node.js 22.19 or newer, https://nodejs.org
exit /b 3
