#!/usr/bin/env bash
# Builds the libFuzzer harnesses with ASan, into .build/fuzz/: the line codec (PapaoursCore +
# PapaoursProtocol) and the HTTP gate's parser (PapaoursHTTP).
set -euo pipefail
cd "$(dirname "$0")/.."
out=.build/fuzz
mkdir -p "$out"
flags=(-sanitize=fuzzer,address -parse-as-library -O -g -I Sources/CSodium -I "$out")
swiftc "${flags[@]}" -module-name PapaoursCore -wmo -emit-module -emit-module-path "$out/PapaoursCore.swiftmodule" \
  -c -o "$out/core.o" $(find Sources/PapaoursCore -name "*.swift" | sort)
swiftc "${flags[@]}" -module-name PapaoursProtocol -wmo -emit-module -emit-module-path "$out/PapaoursProtocol.swiftmodule" \
  -c -o "$out/protocol.o" Sources/PapaoursProtocol/*.swift
swiftc "${flags[@]}" -module-name RequestFuzzer Fuzz/RequestFuzzer.swift "$out/core.o" "$out/protocol.o" -lsodium \
  -o "$out/request-fuzzer"
swiftc "${flags[@]}" -module-name PapaoursHTTP -wmo -emit-module -emit-module-path "$out/PapaoursHTTP.swiftmodule" \
  -c -o "$out/http.o" Sources/PapaoursHTTP/*.swift
swiftc "${flags[@]}" -module-name HTTPFuzzer Fuzz/HTTPFuzzer.swift "$out/http.o" -o "$out/http-fuzzer"
echo "$out/request-fuzzer $out/http-fuzzer"
