/// One D-Bus value with its type, as a message carries it. Containers say their element's signature,
/// so an empty array still has a type on the wire.
public indirect enum BusValue: Equatable, Sendable {
    case byte(UInt8)
    case boolean(Bool)
    case int16(Int16), uint16(UInt16)
    case int32(Int32), uint32(UInt32)
    case int64(Int64), uint64(UInt64)
    case double(Double)
    case string(String)
    case objectPath(String)
    case signature(String)
    /// A value of any type, with its type beside it (`v`).
    case variant(BusValue)
    /// An array of values of type `element` (`a…`); a dictionary is an array of `dictEntry`.
    case array(element: String, [BusValue])
    /// One key and value of a dictionary (`{…}`), only inside an array.
    case dictEntry(BusValue, BusValue)
    case structure([BusValue])

    /// The value's D-Bus type signature: `s`, `as`, `a{sv}`, `(ii)`…
    public var signature: String {
        switch self {
        case .byte: "y"
        case .boolean: "b"
        case .int16: "n"
        case .uint16: "q"
        case .int32: "i"
        case .uint32: "u"
        case .int64: "x"
        case .uint64: "t"
        case .double: "d"
        case .string: "s"
        case .objectPath: "o"
        case .signature: "g"
        case .variant: "v"
        case .array(let element, _): "a" + element
        case .dictEntry(let key, let value): "{" + key.signature + value.signature + "}"
        case .structure(let fields): "(" + fields.map(\.signature).joined() + ")"
        }
    }

    /// A dictionary from strings to variants (`a{sv}`), the shape of D-Bus property lists and MPRIS metadata.
    public static func properties(_ entries: [(String, BusValue)]) -> BusValue {
        .array(element: "{sv}", entries.map { .dictEntry(.string($0.0), .variant($0.1)) })
    }

    public static func strings(_ values: [String]) -> BusValue { .array(element: "s", values.map(BusValue.string)) }

    /// The text of a string, object path or signature; nil for other types.
    public var text: String? {
        switch self {
        case .string(let text), .objectPath(let text), .signature(let text): text
        default: nil
        }
    }

    /// The value inside a variant (or the value itself).
    public var unwrapped: BusValue {
        if case .variant(let inner) = self { return inner.unwrapped }
        return self
    }

    /// Any integer or double as a Double; nil for other types.
    public var number: Double? {
        switch self {
        case .byte(let v): Double(v)
        case .int16(let v): Double(v)
        case .uint16(let v): Double(v)
        case .int32(let v): Double(v)
        case .uint32(let v): Double(v)
        case .int64(let v): Double(v)
        case .uint64(let v): Double(v)
        case .double(let v): v
        default: nil
        }
    }
}
