# syntax=docker/dockerfile:1
# One image for both roles: `sidecar agent` (injected into pods) and `sidecar injector` (the webhook Deployment).
# Base images are build args so that a mirror or a pinned digest can be supplied:
#   docker build --build-arg SDK_IMAGE=... --build-arg RUNTIME_IMAGE=... -t servicecomb/sidecar .
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0

FROM ${SDK_IMAGE} AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Build.targets Directory.Packages.props BannedSymbols.txt .editorconfig ./
# All of src/ (not a list of csproj files), so a project added to the agent's references needs no Dockerfile edit.
COPY src/ src/
RUN dotnet restore src/Sidecar.Agent/Sidecar.Agent.csproj
RUN dotnet publish src/Sidecar.Agent/Sidecar.Agent.csproj -c Release --no-restore -o /app /p:UseAppHost=true

FROM ${RUNTIME_IMAGE} AS runtime
WORKDIR /app
COPY --from=build /app ./
# The data dir is the only place the agent writes: a volume, so the root filesystem can be read-only
# (the injected sidecar mounts an emptyDir there).
RUN mkdir -p /var/lib/sidecar && chown 1654:1654 /var/lib/sidecar
VOLUME ["/var/lib/sidecar"]
ENV SIDECAR_DATA_DIR=/var/lib/sidecar \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1
# 30100: agent API (localhost by default); 7946 TCP+UDP: gossip; 8443: injector webhook.
EXPOSE 30100 7946 7946/udp 8443
# The aspnet image's non-root `app` user (uid 1654); the injected container runs with the same uid.
USER 1654:1654
ENTRYPOINT ["/app/sidecar"]
CMD ["agent", "--data-dir", "/var/lib/sidecar"]
