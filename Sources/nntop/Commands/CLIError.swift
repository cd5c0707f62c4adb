import ArgumentParser
import Foundation

/// Turns any failure into `nntop: <message>` on stderr and exit code 1, never a crash or a Swift dump.
enum CLIError {
    /// Reports `message` like any other failure.
    static func failure(_ message: String) -> Error {
        FileHandle.standardError.write(Data("nntop: \(message)\n".utf8))
        return ExitCode.failure
    }

    static func wrap<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ExitCode {
            throw error
        } catch {
            FileHandle.standardError.write(Data("nntop: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
