#!/bin/sh
# Runs a test on a private D-Bus session bus with an unlocked gnome-keyring (the Secret Service QtKeychain
# talks to), in a throwaway home, so a desk test never touches the machine's own keychain or desktop.
# Usage: with-private-bus.sh TEST [ARGS...]
set -eu
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HOME="$home" XDG_DATA_HOME="$home/share" XDG_CONFIG_HOME="$home/config" XDG_RUNTIME_DIR="$home/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
# (dbus-daemon may warn that it cannot raise its fd limit when not run as a system service; harmless.)
dbus-run-session -- sh -c 'printf %s desk-test-keyring | gnome-keyring-daemon --unlock --components=secrets >/dev/null
exec "$@"' sh "$@"
