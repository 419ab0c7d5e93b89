/// Digits padded with zeros to a width (`S-000042`, `07`): the references and dates written on
/// every row of a list, without `String(format:)`, which parses its format at each call.
public func zeroPadded<Value: BinaryInteger>(_ value: Value, width: Int) -> String {
    let digits = String(value.magnitude)
    let padded = digits.count < width ? String(repeating: "0", count: width - digits.count) + digits : digits
    return value < 0 ? "-" + padded : padded
}
