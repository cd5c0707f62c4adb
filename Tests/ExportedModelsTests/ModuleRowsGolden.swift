import GoldenSupport
import NNModules
import Testing

/// Compares a module tree with a `modules.jsonl` golden (PyTorch's `named_modules()` records), field by
/// field as the zoo's structure tests do; `classKnown` says for which modules the file records a class.
enum ModuleRowsGolden {
    static func expectMatches(_ model: Module, golden path: String, classKnown: (Module) -> Bool) throws {
        let golden = try Goldens.jsonLines(path)
        let records = model.moduleRecords()
        let modules = Dictionary(model.namedModules().map { ($0.name, $0.module) }, uniquingKeysWith: { first, _ in first })
        #expect(records.map(\.name) == golden.compactMap { $0["name"] as? String }, "\(path): module names")
        for (record, row) in zip(records, golden) {
            let mine = StructureGolden.row(record)
            let known = modules[record.name].map(classKnown) ?? false
            for field in StructureGolden.moduleFields where field != "class" || known {
                #expect(StructureGolden.canonical(mine[field]) == StructureGolden.canonical(row[field]),
                        "\(path) row \(record.index) (\(record.name)) field \(field)")
            }
        }
    }
}
