#!/usr/bin/env bash
# Configures and builds Release into build/. Under CI (CI=true) warnings are errors.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
werror=OFF
if [ "${CI:-}" = "true" ]; then werror=ON; fi
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSTITCHSIM_WERROR=$werror
cmake --build "$root/build" -j "$(nproc)"
