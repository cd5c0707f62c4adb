import Foundation
import GoldenSupport
import NNModules
import Testing

/// One behaviour case of `api_cases.json`, recorded from real PyTorch: what the snippet printed, the repr
/// of its last expression, its warnings and the exception that ended it. Tests rebuild the snippet with
/// the Swift API and compare against these texts, read at test time so no golden string lives in the
/// source.
struct ApiCase: Sendable {
    struct Warning: Sendable, Equatable, CustomStringConvertible {
        let category: String
        let message: String
        var description: String { "\(category): \(message)" }
    }

    struct Exception: Sendable {
        /// The Python class (`KeyError`, `RuntimeError`...).
        let type: String
        /// The raw message (`args[0]`), without `KeyError`'s extra quoting.
        let args0: String?
    }

    let id: String
    let stdout: String
    let resultRepr: String?
    let warnings: [Warning]
    let exception: Exception?

    struct LoadFailure: Error, Sendable, CustomStringConvertible {
        let description: String
    }

    /// The case with this id; throws when the goldens are missing or the id is unknown.
    static func named(_ id: String) throws -> ApiCase {
        let cases = try all.get()
        guard let found = cases.first(where: { $0.id == id }) else {
            throw LoadFailure(description: "api_cases.json has no case \(id)")
        }
        return found
    }

    /// Every case, in file order.
    static func allCases() throws -> [ApiCase] { try all.get() }

    private static let all: Result<[ApiCase], LoadFailure> = {
        do {
            guard let root = try Goldens.json("api_cases.json") as? [String: Any],
                  let cases = root["cases"] as? [[String: Any]] else {
                return .failure(LoadFailure(description: "api_cases.json: no `cases` array"))
            }
            return .success(cases.map(ApiCase.init(json:)))
        } catch {
            return .failure(LoadFailure(description: "\(error)"))
        }
    }()

    private init(json: [String: Any]) {
        id = json["id"] as? String ?? ""
        let observed = json["observed"] as? [String: Any] ?? [:]
        stdout = observed["stdout"] as? String ?? ""
        resultRepr = observed["result_repr"] as? String
        warnings = (observed["warnings"] as? [[String: Any]] ?? []).map {
            Warning(category: $0["category"] as? String ?? "", message: $0["message"] as? String ?? "")
        }
        exception = (observed["exception"] as? [String: Any]).map {
            Exception(type: $0["type"] as? String ?? "", args0: $0["args0"] as? String)
        }
    }

    // MARK: - Expectations

    /// The printed text equals the snippet's stdout, byte for byte.
    func expectStdout(_ printed: PythonStdout, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(printed.text == stdout, sourceLocation: sourceLocation)
    }

    /// The repr of the snippet's last expression.
    func expectResult(_ repr: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(repr == resultRepr, sourceLocation: sourceLocation)
    }

    /// The warnings PyTorch emitted, in order.
    func expectWarnings(_ emitted: [TorchWarning], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(emitted.map { Warning(category: $0.category, message: $0.message) } == warnings,
                sourceLocation: sourceLocation)
    }

    /// `body` throws the exception that ended the snippet: same Python class, same raw message.
    func expectRaises<T>(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> T) {
        guard let expected = exception else {
            Issue.record("\(id): the golden records no exception", sourceLocation: sourceLocation)
            return
        }
        do {
            _ = try body()
            Issue.record("\(id): expected \(expected.type) but nothing was thrown", sourceLocation: sourceLocation)
        } catch let error as TorchError {
            #expect(error.pythonType == expected.type, sourceLocation: sourceLocation)
            #expect(error.message == expected.args0, sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(id): expected \(expected.type) but got \(error)", sourceLocation: sourceLocation)
        }
    }

    /// For cases the Swift compiler rules out: the golden indeed records that PyTorch raises `type` at run
    /// time, so the static guarantee replaces a check that Swift code can never reach.
    func expectRecordedException(_ type: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(exception?.type == type, sourceLocation: sourceLocation)
        #expect(exception?.args0?.isEmpty == false, sourceLocation: sourceLocation)
    }
}

/// Python's `print(*items)` into a buffer: items are already `str()`-formatted, joined by one space, with
/// a newline at the end. A class so hooks and closures can print into it.
final class PythonStdout {
    private(set) var text = ""

    func print(_ items: String...) {
        text += items.joined(separator: " ") + "\n"
    }
}

// MARK: - Python formatting of Swift values

/// `repr(str)`.
func pyRepr(_ s: String) -> String { pythonStringRepr(s) }

/// `repr(list)` of already formatted items.
func pyList(_ items: [String]) -> String { "[" + items.joined(separator: ", ") + "]" }

/// `repr(tuple)` of already formatted items.
func pyTuple(_ items: [String]) -> String { items.count == 1 ? "(\(items[0]),)" : "(" + items.joined(separator: ", ") + ")" }

/// `repr(dict)` of already formatted keys and values.
func pyDict(_ pairs: [(String, String)]) -> String { "{" + pairs.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + "}" }

/// `repr(list_of_str)`.
func pyStrings(_ items: [String]) -> String { pyList(items.map(pyRepr)) }

/// `str(bool)`.
func py(_ b: Bool) -> String { pythonBool(b) }

/// `tuple(t.shape)`.
func shapeTuple(_ t: Tensor) throws -> String { pythonTuple(try t.shape) }

/// `isinstance(x, T)`, written against `Any` so a statically known answer still runs.
func isInstance<T>(_ x: Any, of type: T.Type) -> Bool { x is T }

/// `t.backward()`.
func backward(_ t: Tensor) throws {
    try t.backward()
}

/// `sum(t.numel() for t in tensors)`; throws on an uninitialized parameter, as `numel()` does.
func numelSum(_ tensors: [Tensor]) throws -> Int {
    try tensors.reduce(0) { $0 + (try $1.numel()) }
}
