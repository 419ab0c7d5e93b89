#if canImport(Glibc)
import Glibc
#endif
import EmbeddedPostgres
import Foundation
import MuseoLab

/// Prints Factur-X PDFs with WeasyPrint and the factur-x package, through `facturx-print.py`
/// (shipped with the runtime) under the configured Python (`MUSEOLAB_PYTHON`, `python3` by
/// default). One long-lived process prints every document, one at a time: loading the tools
/// takes about half a second, a document then tens of milliseconds.
public struct FacturXPrinter: InvoicePrinter {
    public let python: String
    let script: String
    private let worker: PrintWorker

    public init(python: String = "python3") {
        self.python = python
        self.script = Bundle.module.url(forResource: "facturx-print", withExtension: "py")!.path
        self.worker = PrintWorker(python: python, script: script)
    }

    /// Whether the tools are here: their versions, or what is missing.
    public func check() async -> Result<String, Problem> {
        do {
            let run = try await ChildProcess.run("/usr/bin/env", [python, script, "--check"])
            let said = run.output.trimmingCharacters(in: .whitespacesAndNewlines)
            return run.succeeded ? .success(said) : .failure(Problem(.unavailable, "the PDF printer cannot print: \(said)"))
        } catch {
            return .failure(Problem(.unavailable, "the PDF printer cannot start \(python): \(error)"))
        }
    }

    public func facturX(page: String, cii: String) async throws -> Data {
        let request = try JSONEncoder().encode(PrintWorker.Request(page: page, cii: cii))
        let worker = self.worker
        // The worker's pipe is read blocking, on a thread of its own, not one of the cooperative pool's.
        let answer = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<PrintWorker.Answer, Error>) in
            Thread.detachNewThread { continuation.resume(with: Result { try worker.print(request) }) }
        }
        guard let encoded = answer.pdf, let pdf = Data(base64Encoded: encoded), pdf.starts(with: Array("%PDF-".utf8)) else {
            throw Problem(.unavailable, "the PDF could not be printed, so the document was not issued: \(answer.error ?? "no PDF came back")")
        }
        return pdf
    }
}

/// The printing process and its pipes, used by one request at a time; started on the first
/// request and again after it ended (the tools were missing, it crashed).
final class PrintWorker: @unchecked Sendable {
    struct Request: Encodable { var page: String, cii: String }
    struct Answer: Decodable { var pdf: String?, error: String? }

    let python: String
    let script: String
    private let lock = NSLock()
    private var process: Process?
    private var input: FileHandle?
    private var output: FileHandle?
    private var pending = Data()

    init(python: String, script: String) {
        self.python = python
        self.script = script
    }

    /// Sends one request and reads its answer line; blocks the calling thread.
    func print(_ request: Data) throws -> Answer {
        lock.lock()
        defer { lock.unlock() }
        var failure: Error?
        // A process that ended since the last document is started again once.
        for _ in 0..<2 {
            do {
                try start()
                try input!.write(contentsOf: request + Data("\n".utf8))
                return try JSONDecoder().decode(Answer.self, from: try readLine())
            } catch {
                failure = error
                stop()
            }
        }
        throw Problem(.unavailable, "the PDF printer (\(python) \(script) --serve) does not answer: \(failure.map { "\($0)" } ?? "")")
    }

    private func start() throws {
        guard process?.isRunning != true else { return }
        // A write to a printer that died must fail with EPIPE, not end the server.
        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script, "--serve"]
        let (stdin, stdout) = (Pipe(), Pipe())
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        (self.process, input, output, pending) = (process, stdin.fileHandleForWriting, stdout.fileHandleForReading, Data())
    }

    private func stop() {
        try? input?.close()
        process?.terminate()
        (process, input, output, pending) = (nil, nil, nil, Data())
    }

    /// The longest a document may take to print.
    static let answerTimeoutMilliseconds: Int32 = 60_000

    private struct Ended: Error, CustomStringConvertible {
        var timedOut = false
        var description: String { timedOut ? "no answer within \(answerTimeoutMilliseconds / 1000) s" : "the printing process ended" }
    }

    private func readLine() throws -> Data {
        while true {
            if let end = pending.firstIndex(of: 0x0A) {
                let line = pending[pending.startIndex..<end]
                pending = Data(pending[pending.index(after: end)...])
                return Data(line)
            }
            // read(2), which returns what the pipe holds (FileHandle's read(upToCount:) waits for the whole count).
            guard let fd = output?.fileDescriptor else { throw Ended() }
            // A printer that hangs must not hold the issuing transaction (and its locked counter) for ever.
            var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let polled = poll(&ready, 1, Self.answerTimeoutMilliseconds)
            if polled < 0, errno == EINTR { continue }
            guard polled > 0 else { throw Ended(timedOut: true) }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw Ended() }
            pending.append(contentsOf: chunk[0..<count])
        }
    }
}
