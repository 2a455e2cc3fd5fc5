#!/usr/bin/env bash
# Builds the libFuzzer harness over PapaoursCore + PapaoursProtocol with ASan, into .build/fuzz/.
set -euo pipefail
cd "$(dirname "$0")/.."
out=.build/fuzz
mkdir -p "$out"
flags=(-sanitize=fuzzer,address -parse-as-library -O -g -I Sources/CSodium -I "$out")
swiftc "${flags[@]}" -module-name PapaoursCore -wmo -emit-module -emit-module-path "$out/PapaoursCore.swiftmodule" \
  -c -o "$out/core.o" Sources/PapaoursCore/*.swift
swiftc "${flags[@]}" -module-name PapaoursProtocol -wmo -emit-module -emit-module-path "$out/PapaoursProtocol.swiftmodule" \
  -c -o "$out/protocol.o" Sources/PapaoursProtocol/*.swift
swiftc "${flags[@]}" -module-name RequestFuzzer Fuzz/RequestFuzzer.swift "$out/core.o" "$out/protocol.o" -lsodium \
  -o "$out/request-fuzzer"
echo "$out/request-fuzzer"
