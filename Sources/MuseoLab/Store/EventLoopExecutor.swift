import NIOCore
import Synchronization

/// Runs a task's jobs on one NIO event loop: with it as the task's executor preference, a
/// statement is written to its connection from the connection's own thread, and its answer,
/// which completes on that thread, resumes it there without a hop to another thread.
final class EventLoopExecutor: TaskExecutor {
    let loop: any EventLoop

    private init(_ loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        loop.execute { job.runSynchronously(on: executor) }
    }

    /// One executor per event loop, made once (a pool's loops live as long as the process).
    private static let executors = Mutex<[ObjectIdentifier: EventLoopExecutor]>([:])

    static func of(_ loop: any EventLoop) -> EventLoopExecutor {
        executors.withLock { known in
            if let executor = known[ObjectIdentifier(loop)] { return executor }
            let executor = EventLoopExecutor(loop)
            known[ObjectIdentifier(loop)] = executor
            return executor
        }
    }
}
