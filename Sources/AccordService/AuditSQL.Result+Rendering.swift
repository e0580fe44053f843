import AccordCore
import AccordStore
import Foundation

/// The text forms of `accord audit sql`: JSON, CSV and an aligned table.
extension AuditSQL.Result {
    /// The JSON form: `{"columns": [...], "rows": [{column: value}]}`, rows as objects. A
    /// column name given twice (a join) is made unique with `:2`, `:3`… in both.
    public func json() throws -> String {
        var seen: [String: Int] = [:]
        let columns = columns.map { name -> String in
            seen[name, default: 0] += 1
            return seen[name]! == 1 ? name : "\(name):\(seen[name]!)"
        }
        struct Row: Encodable {
            var columns: [String]
            var values: [AuditSQL.Value]
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Key.self)
                for (column, value) in zip(columns, values) { try container.encode(value, forKey: Key(stringValue: column)) }
            }
        }
        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        struct Shape: Encodable {
            var columns: [String]
            var rows: [Row]
        }
        let shape = Shape(columns: columns, rows: rows.map { Row(columns: columns, values: $0) })
        return String(decoding: try AccordJSON.encoder(pretty: true).encode(shape), as: UTF8.self)
    }

    /// The CSV form.
    public func csv() -> String { AuditText.csv(columns, rows.map { $0.map(\.text) }) }

    /// The aligned table form, for a terminal: control characters shown as `\u{…}`.
    public func table() -> String {
        AuditText.table(columns.map(Self.visible), rows.map { $0.map { Self.visible($0.text) } })
    }
}
