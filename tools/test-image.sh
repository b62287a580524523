#!/usr/bin/env bash
# Builds the local test image (no registry is reachable): a rootfs holding
# Debian's static busybox, imported with `docker import`.
set -euo pipefail
image="${KEDGE_TEST_IMAGE:-kedge.local/busybox:1}"
if docker image inspect "$image" >/dev/null 2>&1; then exit 0; fi
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,etc,tmp,proc,sys,dev,var/www,usr/bin,usr/sbin}
cp /bin/busybox "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list); do
  [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
echo 'root:x:0:' > "$root/etc/group"
tar -C "$root" -c . | docker import --change 'CMD ["/bin/sh"]' --change 'ENV PATH=/bin:/usr/bin:/sbin:/usr/sbin' - "$image" >/dev/null
echo "test-image: built $image"
