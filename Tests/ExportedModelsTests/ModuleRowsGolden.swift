import GoldenSupport
import NNModules
import Testing

/// Compares a module tree with a `modules.jsonl` golden (PyTorch's `named_modules()` records), field by
/// field as the zoo's structure tests do; `classKnown` says for which modules the file records a class.
enum ModuleRowsGolden {
    static func expectMatches(_ model: Module, golden path: String, classKnown: (Module) -> Bool) throws {
        let golden = try Goldens.jsonLines(path)
        let rows = try StructureGolden.rows(of: model)
        let modules = Dictionary(model.namedModules().map { ($0.name, $0.module) }, uniquingKeysWith: { first, _ in first })
        #expect(rows.compactMap { $0["name"] as? String } == golden.compactMap { $0["name"] as? String }, "\(path): module names")
        for (mine, row) in zip(rows, golden) {
            let name = mine["name"] as? String ?? ""
            let known = modules[name].map(classKnown) ?? false
            for field in StructureGolden.moduleFields where field != "class" || known {
                #expect(StructureGolden.canonical(mine[field]) == StructureGolden.canonical(row[field]),
                        "\(path) row \(mine["index"] ?? "?") (\(name)) field \(field)")
            }
        }
    }
}
