@echo off
rem Helm 4 runs this on Windows with the --post-renderer-args helm-canary passes: the Node
rem executable, the helm-canary bundle and the stage's values file (see post-render.sh).
if "%~3"=="" (
  echo helm-canary-overlay: expected 3 --post-renderer-args ^(node, helm-canary bundle, values file^) 1>&2
  exit /b 1
)
"%~1" "%~2" __post-render "%~3"
exit /b %ERRORLEVEL%
