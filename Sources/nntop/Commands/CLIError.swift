import ArgumentParser
import Foundation

/// Turns any failure into `nntop: <message>` on stderr and exit code 1, never a crash or a Swift dump.
enum CLIError {
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
