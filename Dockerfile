# syntax=docker/dockerfile:1
# One image for both roles: `sidecar agent` (injected into pods) and `sidecar injector` (the webhook Deployment).
# The agent is published as a Native AOT executable, so the runtime image needs no .NET: runtime-deps (libc, OpenSSL,
# CA certificates) is enough. Base images are build args so that a mirror or a pinned digest can be supplied:
#   docker build --build-arg SDK_IMAGE=... --build-arg RUNTIME_IMAGE=... -t servicecomb/sidecar .
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/runtime-deps:10.0

FROM ${SDK_IMAGE} AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Build.targets Directory.Packages.props BannedSymbols.txt .editorconfig ./
# All of src/ (not a list of csproj files), so a project added to the agent's references needs no Dockerfile edit.
COPY src/ src/
# Native AOT links with clang against zlib; the SDK image does not ship them.
RUN command -v clang >/dev/null || { apt-get update && apt-get install -y --no-install-recommends clang zlib1g-dev && rm -rf /var/lib/apt/lists/*; }
RUN dotnet restore src/Sidecar.Agent/Sidecar.Agent.csproj -r linux-x64
RUN dotnet publish src/Sidecar.Agent/Sidecar.Agent.csproj -c Release -r linux-x64 --no-restore -o /app && rm -f /app/*.dbg /app/*.pdb

FROM ${RUNTIME_IMAGE} AS runtime
WORKDIR /app
COPY --from=build /app ./
# The data dir is the only place the agent writes: a volume, so the root filesystem can be read-only
# (the injected sidecar mounts an emptyDir there).
RUN mkdir -p /var/lib/sidecar && chown 1654:1654 /var/lib/sidecar
VOLUME ["/var/lib/sidecar"]
ENV SIDECAR_DATA_DIR=/var/lib/sidecar
# 30100: agent API (localhost by default); 7946 TCP+UDP: gossip; 8443: injector webhook.
EXPOSE 30100 7946 7946/udp 8443
# The .NET images' non-root `app` user (uid 1654); the injected container runs with the same uid.
USER 1654:1654
ENTRYPOINT ["/app/sidecar"]
CMD ["agent", "--data-dir", "/var/lib/sidecar"]
