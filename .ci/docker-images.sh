#!/usr/bin/env bash
# Builds local stand-ins for mcr.microsoft.com/dotnet/sdk:10.0 and runtime-deps:10.0 where no image registry is reachable,
# from a Debian bookworm minbase rootfs (debootstrap) plus this machine's .NET install (SDK only: the image ships the
# Native AOT executable, runtime-deps holds no .NET), then builds the Dockerfile
# with them. Idempotent: existing stand-in images are reused (FORCE=1 rebuilds them).
#
#   .ci/docker-images.sh            # stand-ins + docker build -t servicecomb/sidecar:dev .
#   SKIP_BUILD=1 .ci/docker-images.sh   # stand-ins only (tests/Sidecar.Kubernetes.Tests/DockerBuildTests builds)
#
# Needs: a running Docker engine, debootstrap, a Debian mirror and api.nuget.org reachable (restore runs in the build).
set -euo pipefail

SDK_IMAGE=${SDK_IMAGE:-sidecar-standin/dotnet-sdk:10.0}
RUNTIME_IMAGE=${RUNTIME_IMAGE:-sidecar-standin/dotnet-runtime-deps:10.0}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
WORK=${WORK:-/var/tmp/sidecar-docker-images}
REPO=$(cd "$(dirname "$0")/.." && pwd)
DOTNET_ROOT_DIR=$(dirname "$(readlink -f "$(command -v dotnet)")")

docker info >/dev/null 2>&1 || { echo "docker-images.sh: no Docker engine answers (start dockerd first)" >&2; exit 2; }

have() { [ -z "${FORCE:-}" ] && docker image inspect "$1" >/dev/null 2>&1; }

if ! have "$RUNTIME_IMAGE" || ! have "$SDK_IMAGE"; then
  mkdir -p "$WORK"
  if [ ! -f "$WORK/rootfs.done" ]; then
    rm -rf "$WORK/rootfs"
    debootstrap --variant=minbase --include=ca-certificates,libssl3,libicu72,tzdata bookworm "$WORK/rootfs" "$MIRROR"
    touch "$WORK/rootfs.done"
  fi
  tar -C "$WORK/rootfs" -c . | docker import - sidecar-standin/debian:bookworm

  # Runtime deps: what runtime-deps holds (libc, OpenSSL, CA certificates, tzdata; the rootfs has them) and its
  # non-root `app` user; no .NET at all.
  rm -rf "$WORK/runtime" && mkdir -p "$WORK/runtime"
  cat > "$WORK/runtime/Dockerfile" <<'DOCKERFILE'
FROM sidecar-standin/debian:bookworm
RUN groupadd --gid 1654 app && useradd --uid 1654 --gid 1654 --no-create-home --shell /bin/false app
ENV APP_UID=1654
DOCKERFILE
  docker build -t "$RUNTIME_IMAGE" "$WORK/runtime"

  # SDK: the whole install, and the CA bundle so NuGet restore trusts api.nuget.org. The Dockerfile installs clang
  # (Native AOT's linker) from the Debian mirror when the SDK image lacks it, as the real one does.
  rm -rf "$WORK/sdk" && mkdir -p "$WORK/sdk"
  cp -a "$DOTNET_ROOT_DIR" "$WORK/sdk/dotnet"
  cp /etc/ssl/certs/ca-certificates.crt "$WORK/sdk/ca-certificates.crt"
  cat > "$WORK/sdk/Dockerfile" <<'DOCKERFILE'
FROM sidecar-standin/debian:bookworm
COPY dotnet /usr/share/dotnet
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
ENV DOTNET_ROOT=/usr/share/dotnet DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
DOCKERFILE
  docker build -t "$SDK_IMAGE" "$WORK/sdk"
fi

if [ -z "${SKIP_BUILD:-}" ]; then
  docker build --network host --build-arg SDK_IMAGE="$SDK_IMAGE" --build-arg RUNTIME_IMAGE="$RUNTIME_IMAGE" \
    -t "${IMAGE:-servicecomb/sidecar:dev}" "$REPO"
  help=$(docker run --rm --read-only "${IMAGE:-servicecomb/sidecar:dev}" --help)
  printf "%s\n" "$help" | sed -n 1p
fi
