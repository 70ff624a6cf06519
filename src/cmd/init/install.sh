# Installs postmortem $POSTMORTEM_VERSION into $POSTMORTEM_BIN: the release's prebuilt static
# binary when there is one (checked against its SHA-256), else built from crates.io.
set -eu
case "$(uname -m)" in aarch64 | arm64) arch=aarch64 ;; *) arch=x86_64 ;; esac
name="postmortem-$arch-unknown-linux-musl"
url="{repository}/releases/download/v$POSTMORTEM_VERSION/$name.tar.gz"
tmp="$(mktemp -d)"
mkdir -p "$POSTMORTEM_BIN"
if curl -fsSL "$url" -o "$tmp/$name.tar.gz" && curl -fsSL "$url.sha256" -o "$tmp/sum"; then
  (cd "$tmp" && sha256sum -c sum)
  tar -xzf "$tmp/$name.tar.gz" -C "$tmp"
  cp "$tmp/$name/postmortem" "$POSTMORTEM_BIN/"
else
  echo "no prebuilt binary for v$POSTMORTEM_VERSION on $arch; building it"
  cargo install --locked --version "$POSTMORTEM_VERSION" --root "$tmp/root" postmortem-cli
  cp "$tmp/root/bin/postmortem" "$POSTMORTEM_BIN/"
fi
