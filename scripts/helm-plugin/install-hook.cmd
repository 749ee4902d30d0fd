@echo off
rem The Helm plugin's install and update hook on Windows (helm 4, plugin.v1.yaml's platformHooks).
rem It builds nothing: a release ref carries dist\. It fails only when dist\ is missing, and warns
rem when node is not on PATH, which can be fixed after the install.
setlocal
if defined HELM_PLUGIN_DIR (set "hc_dir=%HELM_PLUGIN_DIR%") else (set "hc_dir=%~dp0..\..")
set "hc_cli=%hc_dir%\dist\bin\helm-canary.mjs"
if not exist "%hc_cli%" goto no_dist
where node >nul 2>nul || >&2 echo helm canary: warning: node is not on PATH; `helm canary` needs Node.js 22.19 or newer
exit /b 0

:no_dist
>&2 echo helm canary: %hc_cli% is missing: this plugin was installed from a ref that is not a release.
>&2 echo Release tags carry the built CLI; branches such as main do not, and the plugin builds nothing.
>&2 echo Install a release tag: helm plugin uninstall canary, then
>&2 echo   helm plugin install ^<repository URL^> --version v0 --verify=false
>&2 echo or build a checkout and install its path: npm ci, npm run build, helm plugin install ^<path^>
exit /b 1
