using System.Collections.Concurrent;

namespace SonicWeb.Engine.Scheduling;

/// <summary>
/// Where frames are rendered: a fixed set of dedicated threads (one per core) whose scheduling priority is lowered by
/// <c>Engine:Nice</c> steps (<see cref="OsPriority"/>), so a running job takes whatever CPU the web serving leaves
/// rather than competing with it (the thread pool, which serves requests and circuits, keeps its priority). Work
/// started with <see cref="RunAsync"/> stays there: await continuations inside it use TaskScheduler.Current, and so does
/// Parallel.For when given it in its options (the overload without options always uses the thread pool). One set per nice value per process, created on first use; the threads are background
/// threads named "engine-render N" (visible in /proc/PID/task/TID/comm, which is how the load bench counts their CPU).
/// With 0 steps, or where priorities cannot be lowered, the ordinary thread pool is used.
/// </summary>
public sealed class EngineThreads : TaskScheduler
{
    public const string ThreadNamePrefix = "engine-render";

    private static readonly ConcurrentDictionary<int, EngineThreads> Shared = new();

    private readonly BlockingCollection<Task> _queue = new();
    private readonly int _threads;

    private EngineThreads(int steps, int threads)
    {
        _threads = threads;
        for (int i = 0; i < threads; i++)
            new Thread(() => Run(steps)) { IsBackground = true, Name = $"{ThreadNamePrefix} {i}" }.Start();
    }

    /// <summary>The scheduler for engine work lowered by <paramref name="steps"/> nice steps (TaskScheduler.Default for 0 or off Linux).</summary>
    public static TaskScheduler Scheduler(int steps) => steps <= 0 || !OperatingSystem.IsLinux()
        ? Default
        : Shared.GetOrAdd(steps, s => new EngineThreads(s, Environment.ProcessorCount));

    /// <summary>
    /// Runs <paramref name="work"/> on the engine's threads (lowered by <paramref name="steps"/>); the caller resumes on
    /// the thread pool, never on an engine thread (an await of a task that completes there would otherwise continue
    /// inline on it, at its low priority and with its scheduler as TaskScheduler.Current).
    /// </summary>
    public static async Task RunAsync(Func<Task> work, int steps, CancellationToken ct)
    {
        var engine = Task.Factory.StartNew(work, ct, TaskCreationOptions.DenyChildAttach, Scheduler(steps)).Unwrap();
        await engine.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
    }

    public override int MaximumConcurrencyLevel => _threads;

    private void Run(int steps)
    {
        OsPriority.LowerCurrentThread(steps);
        foreach (var task in _queue.GetConsumingEnumerable()) TryExecuteTask(task);
    }

    protected override void QueueTask(Task task) => _queue.Add(task);

    /// <summary>Inline only on our own threads: a pool thread must not run engine work at full priority.</summary>
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        Thread.CurrentThread.Name?.StartsWith(ThreadNamePrefix, StringComparison.Ordinal) == true && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray();
}
