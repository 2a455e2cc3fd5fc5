import Testing
@testable import PapaoursCore

/// Base 62 written independently of the code under test, for cross-checks.
private let referenceAlphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

private func referenceBase62(_ value: UInt32, width: Int) -> [UInt8] {
    var v = UInt64(value)
    var out: [UInt8] = []
    for _ in 0..<width {
        out.insert(referenceAlphabet[Int(v % 62)], at: 0)
        v /= 62
    }
    return out
}

/// Bitwise CRC-32 (no table), independent of the code under test.
private func referenceCRC32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = (crc & 1) == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}

private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

@Suite("Checksum pieces")
struct ChecksumTests {
    @Test("CRC-32 known vectors", arguments: [
        ("123456789", UInt32(0xCBF4_3926)),
        ("", UInt32(0)),
        ("a", UInt32(0xE8B7_BE43)),
        ("The quick brown fox jumps over the lazy dog", UInt32(0x414F_A339)),
        ("papa_00000000000000000000000000000000", UInt32(0xFE14_1741)),
    ])
    func crcVectors(input: String, expected: UInt32) {
        #expect(CRC32.checksum(Array(input.utf8)) == expected)
    }

    @Test("CRC-32 agrees with a bitwise reference on random inputs")
    func crcAgreesWithReference() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<200 {
            let input = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(CRC32.checksum(input) == referenceCRC32(input), "length \(length)")
        }
    }

    @Test("CRC-32 of a slice equals CRC-32 of the copy")
    func crcOfSlice() {
        let whole = bytes("xx123456789yy")
        #expect(CRC32.checksum(whole[2..<11]) == 0xCBF4_3926)
    }

    @Test("Base62 known values", arguments: [
        (UInt32(0), "000000"),
        (UInt32(1), "000001"),
        (UInt32(9), "000009"),
        (UInt32(10), "00000A"),
        (UInt32(35), "00000Z"),
        (UInt32(36), "00000a"),
        (UInt32(61), "00000z"),
        (UInt32(62), "000010"),
        (UInt32(3843), "0000zz"),
        (UInt32(3844), "000100"),
        (UInt32.max, "4gfFC3"),
    ])
    func base62Values(value: UInt32, expected: String) {
        #expect(String(decoding: Base62.encode(value, width: 6), as: UTF8.self) == expected)
    }

    @Test("Base62 agrees with a reference on random values")
    func base62AgreesWithReference() {
        for _ in 0..<2000 {
            let v = UInt32.random(in: 0...UInt32.max)
            #expect(Base62.encode(v, width: 6) == referenceBase62(v, width: 6))
        }
    }

    @Test("Base62 alphabet and isDigit agree over every byte")
    func base62IsDigit() {
        #expect(Base62.alphabet == referenceAlphabet)
        for b in 0...255 {
            let byte = UInt8(b)
            #expect(Base62.isDigit(byte) == referenceAlphabet.contains(byte), "byte \(b)")
        }
    }
}

@Suite("Secret generation and form")
struct SecretTests {
    static let base62Characters = referenceAlphabet

    @Test("generate(): 43 characters, papa_ prefix, 32 base62, CRC-32 checksum")
    func generatedShape() throws {
        for _ in 0..<200 {
            let secret = Secret.generate()
            let b = secret.bytes
            try #require(b.count == 43)
            #expect(Array(b[0..<5]) == bytes("papa_"))
            #expect(b[5...].allSatisfy { referenceAlphabet.contains($0) })
            let expected = referenceBase62(referenceCRC32(Array(b[0..<37])), width: 6)
            #expect(Array(b[37..<43]) == expected)
            #expect(Secret.classify(b) == .success(.papaours))
            #expect(secret.form == .papaours)
            #expect(secret.revealed == String(decoding: b, as: UTF8.self))
        }
    }

    @Test("two generated secrets differ")
    func generatedDiffer() {
        var seen = Set<[UInt8]>()
        for _ in 0..<1000 { seen.insert(Secret.generate().bytes) }
        #expect(seen.count == 1000)
    }

    @Test("the random part uses the whole base62 alphabet")
    func randomPartCoversAlphabet() {
        var seen = Set<UInt8>()
        for _ in 0..<300 { seen.formUnion(Secret.generate().bytes[5..<37]) }
        #expect(seen == Set(referenceAlphabet))
    }

    @Test("known secrets computed with zlib are accepted", arguments: [
        "papa_000000000000000000000000000000004eTygD",
        "papa_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz35Ac2d",
        "papa_0123456789ABCDEFGHIJKLMNOPQRSTUV03DOZm",
    ])
    func knownSecrets(text: String) throws {
        #expect(Secret.classify(bytes(text)) == .success(.papaours))
        let secret = try Secret(validating: bytes(text))
        #expect(secret.form == .papaours)
        #expect(secret.bytes == bytes(text))
    }

    @Test("classify works on a slice that does not start at index 0")
    func classifySlice() {
        let text = bytes("xx" + "papa_000000000000000000000000000000004eTygD" + "yy")
        #expect(Secret.classify(text[2..<45]) == .success(.papaours))
        #expect(Secret.classify(text[2..<44]) == .failure(.wrongLength))
    }

    @Test("every single-character substitution after the prefix is a wrong checksum")
    func everySubstitutionRejected() {
        for _ in 0..<5 {
            let original = Secret.generate().bytes
            var misses: [String] = []
            for position in 5..<43 {
                for replacement in referenceAlphabet where replacement != original[position] {
                    var typo = original
                    typo[position] = replacement
                    let result = Secret.classify(typo)
                    if result != .failure(.wrongChecksum) {
                        misses.append("pos \(position) -> \(UnicodeScalar(replacement)): \(result)")
                    }
                }
            }
            #expect(misses.isEmpty, "\(misses.prefix(10))")
        }
    }

    @Test("a substitution by a character outside base62 after the prefix is a wrong alphabet")
    func nonBase62SubstitutionRejected() {
        let original = Secret.generate().bytes
        let outside: [UInt8] = Array(" !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".utf8) + [0x00, 0x09, 0x0A, 0x7F, 0x80, 0xC3, 0xFF]
        for position in 5..<43 {
            for replacement in outside {
                var typo = original
                typo[position] = replacement
                #expect(Secret.classify(typo) == .failure(.wrongAlphabet), "pos \(position) byte \(replacement)")
            }
        }
    }

    @Test("a substitution inside papa_ makes a foreign key of 43 printable characters")
    func prefixSubstitutionIsForeign() {
        let original = Secret.generate().bytes
        for position in 0..<5 {
            for replacement in referenceAlphabet where replacement != original[position] {
                var typo = original
                typo[position] = replacement
                #expect(Secret.classify(typo) == .success(.foreign), "pos \(position) -> \(UnicodeScalar(replacement))")
            }
            // A space or a control character there makes it no key at all.
            for bad: UInt8 in [0x20, 0x01, 0x7F, 0xC3] {
                var typo = original
                typo[position] = bad
                #expect(Secret.classify(typo) == .failure(.wrongAlphabet), "pos \(position) byte \(bad)")
            }
        }
    }

    @Test("deleting or inserting a character after papa_ is a wrong length")
    func deletionsAndInsertions() {
        let original = Secret.generate().bytes
        for position in 5..<43 {
            var deleted = original
            deleted.remove(at: position)
            #expect(Secret.classify(deleted) == .failure(.wrongLength), "deleted at \(position)")
        }
        for position in 5...43 {
            for inserted in bytes("0aZ") {
                var longer = original
                longer.insert(inserted, at: position)
                #expect(Secret.classify(longer) == .failure(.wrongLength), "inserted at \(position)")
            }
        }
        #expect(Secret.classify(bytes("papa_")) == .failure(.wrongLength))
        #expect(Secret.classify(Array(original[0..<42])) == .failure(.wrongLength))
    }

    @Test("deleting or inserting inside papa_ leaves a foreign key (no papa_ prefix any more)")
    func prefixDeletionIsForeign() {
        let original = Secret.generate().bytes
        for position in 0..<5 {
            var deleted = original
            deleted.remove(at: position)
            #expect(Secret.classify(deleted) == .success(.foreign), "deleted at \(position)")
            var longer = original
            longer.insert(UInt8(ascii: "x"), at: position)
            #expect(Secret.classify(longer) == .success(.foreign), "inserted at \(position)")
        }
    }

    @Test("every adjacent transposition of different characters is a wrong checksum")
    func transpositionsRejected() {
        let original = Secret.generate().bytes
        for position in 5..<42 where original[position] != original[position + 1] {
            var typo = original
            typo.swapAt(position, position + 1)
            #expect(Secret.classify(typo) == .failure(.wrongChecksum), "swap at \(position)")
        }
    }

    @Test("foreign secrets: 20 to 256 printable ASCII without spaces", arguments: [
        (19, false), (20, true), (21, true), (100, true), (255, true), (256, true), (257, false), (0, false), (1, false),
    ])
    func foreignLengths(length: Int, accepted: Bool) {
        let value = [UInt8](repeating: UInt8(ascii: "a"), count: length)
        #expect(Secret.classify(value) == (accepted ? .success(.foreign) : .failure(.wrongLength)))
    }

    @Test("foreign secret with a forbidden byte is a wrong alphabet", arguments: [
        UInt8(0x20), 0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1F, 0x7F, 0x80, 0xC3, 0xFF,
    ])
    func foreignForbiddenByte(byte: UInt8) {
        var value = [UInt8](repeating: UInt8(ascii: "k"), count: 30)
        value[12] = byte
        #expect(Secret.classify(value) == .failure(.wrongAlphabet))
    }

    @Test("foreign secrets may use every printable ASCII character but space")
    func foreignPrintable() {
        let all = Array(0x21...0x7E).map(UInt8.init)  // 94 characters
        #expect(Secret.classify(all) == .success(.foreign))
        #expect(Secret.classify(bytes("sk_live_0123456789abcdef")) == .success(.foreign))
        // Non-ASCII text of a valid byte length is refused.
        #expect(Secret.classify(bytes(String(repeating: "é", count: 15))) == .failure(.wrongAlphabet))
    }

    @Test("a value starting with papa_ is judged by the papaours rules, not as foreign")
    func papaPrefixNeverForeign() {
        #expect(Secret.classify(bytes("papa_" + String(repeating: "a", count: 30))) == .failure(.wrongLength))
        #expect(Secret.classify(bytes("papa_" + String(repeating: "a", count: 37) + "-")) == .failure(.wrongAlphabet))
    }

    @Test("Secret(validating:) throws the classification failure")
    func validatingThrows() throws {
        #expect(throws: Secret.Malformation.wrongLength) { try Secret(validating: bytes("short")) }
        #expect(throws: Secret.Malformation.wrongChecksum) {
            try Secret(validating: bytes("papa_000000000000000000000000000000004eTygE"))
        }
        let foreign = try Secret(validating: bytes("an-imported-key-0123456789"))
        #expect(foreign.form == .foreign)
    }

    @Test("a secret never shows itself in descriptions")
    func descriptionHides() {
        let secret = Secret.generate()
        #expect(secret.description == "<secret>")
        #expect(!"\(secret)".contains("papa_"))
        #expect(!String(describing: secret).contains(secret.revealed))
        #expect(!String(reflecting: secret).contains(String(decoding: secret.bytes[5..<37], as: UTF8.self)))
    }

    @Test("malformation descriptions")
    func malformationText() {
        #expect(Secret.Malformation.wrongLength.description == "wrong length")
        #expect(Secret.Malformation.wrongChecksum.description == "checksum does not match")
        #expect(Secret.Malformation.wrongAlphabet.description == "character outside the key alphabet")
    }
}

@Suite("SecretHash")
struct SecretHashTests {
    private func hex(_ b: [UInt8]) -> String {
        b.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    @Test("SHA-256 vectors", arguments: [
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func sha256(input: String, expected: String) {
        let hash = SecretHash(of: Array(input.utf8))
        #expect(hash.bytes.count == 32)
        #expect(hex(hash.bytes) == expected)
    }

    @Test("a secret's hash is the SHA-256 of its bytes")
    func secretHash() {
        let secret = Secret.generate()
        #expect(secret.hash == SecretHash(of: secret.bytes))
        #expect(secret.hash != Secret.generate().hash)
    }

    @Test("matches() compares all 32 bytes")
    func matches() throws {
        let a = SecretHash(of: Array("abc".utf8))
        #expect(a.matches(SecretHash(of: Array("abc".utf8))))
        #expect(!a.matches(SecretHash(of: Array("abd".utf8))))
        for index in [0, 15, 31] {
            var changed = a.bytes
            changed[index] ^= 0x01
            let other = try #require(SecretHash(stored: changed))
            #expect(!a.matches(other), "byte \(index)")
            #expect(!other.matches(a), "byte \(index)")
        }
    }

    @Test("stored hashes must be 32 bytes")
    func stored() {
        #expect(SecretHash(stored: [UInt8](repeating: 1, count: 31)) == nil)
        #expect(SecretHash(stored: [UInt8](repeating: 1, count: 33)) == nil)
        #expect(SecretHash(stored: []) == nil)
        #expect(SecretHash(stored: [UInt8](repeating: 7, count: 32))?.bytes == [UInt8](repeating: 7, count: 32))
    }
}

@Suite("Secret strength for import")
struct SecretStrengthTests {
    @Test func papaoursSecretsAreStrong() {
        #expect(SecretStrength.estimatedBits(Secret.generate().bytes) > 180)
    }

    @Test(arguments: [
        ("Zx9kQ2mLp4Rt7vWb8nYc3dFh6jKs1aEu0oIq5gTz", true),   // 40 mixed: ~238 bits
        ("3f2a9c0b7e1d4a6f8b2c5d9e0f1a3b4c", true),           // 32 hex: ~133 bits
        ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false),             // one character repeated
        ("abcabcabcabcabcabcabcabcabcabc", false),             // a short pattern
        ("correcthorsebatterystaple", false),                  // 25 lowercase letters: ~117 bits
    ])
    func foreignSecrets(value: String, strong: Bool) {
        #expect((SecretStrength.estimatedBits(Array(value.utf8)) >= SecretStrength.minimumImportBits) == strong, "\(value)")
    }

    @Test func hexRoundTrip() {
        let bytes: [UInt8] = [0, 1, 0xAB, 0xFF]
        #expect(Hex.encode(bytes) == "0001abff")
        #expect(Hex.decode("0001ABff") == bytes)
        #expect(Hex.decode("0g") == nil)
        #expect(Hex.decode("abc") == nil)
    }
}
