import PapaoursCore
import Testing

@Suite struct PresentedTagTests {
    func tag(_ text: String) -> PresentedTag { Array(text.utf8).withUnsafeBytes { PresentedTag(of: $0) } }

    @Test func theSameBytesGiveTheSameTagAndAnyOtherByteAnother() {
        let secret = Secret.generate().revealed
        #expect(tag(secret) == tag(secret))
        var seen: Set<PresentedTag> = [tag(secret)]
        // Every one-character change of the secret, and every prefix, is another tag.
        for i in secret.indices {
            var changed = secret
            changed.replaceSubrange(i...i, with: secret[i] == "A" ? "B" : "A")
            #expect(seen.insert(tag(changed)).inserted, "changed at \(secret.distance(from: secret.startIndex, to: i))")
            #expect(seen.insert(tag(String(secret[..<i]))).inserted)
        }
    }
}
