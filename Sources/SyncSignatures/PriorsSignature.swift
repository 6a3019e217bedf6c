import Crypto
import Foundation
import SyncProtocol

/// Checks the Ed25519 signature of a served priors document: the one piece of cryptography the player
/// needs, kept in a target of its own so that the server and the client check it the same way.
public enum PriorsSignature {
    /// The document of `body` (a `SignedPriors` envelope) when its signature verifies under the hex
    /// public key `publicKeyHex`, nil otherwise.
    public static func verify(_ body: Data, publicKeyHex: String) -> PriorsDocument? {
        guard let envelope = try? JSONDecoder().decode(SignedPriors.self, from: body),
              let keyBytes = Data(hex: publicKeyHex), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyBytes),
              let signature = Data(base64Encoded: envelope.signature),
              key.isValidSignature(signature, for: Data(envelope.document.utf8)) else { return nil }
        return try? JSONDecoder().decode(PriorsDocument.self, from: Data(envelope.document.utf8))
    }

    /// The key an envelope names, for a client that has none pinned yet (it pins the first it verifies).
    public static func enclosedKey(_ body: Data) -> String? {
        (try? JSONDecoder().decode(SignedPriors.self, from: body))?.key
    }
}
