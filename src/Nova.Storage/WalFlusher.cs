using Nova.Core;

namespace Nova.Storage;

/// <summary>
/// Makes committed transactions durable on a thread of its own: it syncs the WAL file
/// (fsync) and only then lets their callers be answered. The writer commits with
/// synchronous=NORMAL (the commit writes its WAL frames but does not wait for the disk) and
/// hands the batch here with the WAL file it wrote to, so it can run the next batch while the
/// disk syncs the previous one. Batches that commit while a sync is running share the next sync.
/// </summary>
/// <remarks>
/// One fsync of the WAL file makes every frame written to it before the call durable,
/// whichever descriptor wrote them, so a caller answered after it has its commit on disk: the
/// same guarantee as synchronous=FULL. The descriptor belongs to one writer connection (the
/// WAL file cannot be deleted while that connection is open); a batch of a newer connection
/// brings its own, and the old one is closed once the batches that came with it are synced.
/// Readers may see a commit a moment before it is durable; a crash in that moment loses only
/// commits whose callers were never answered (senders retry those).
/// If a sync fails, the kernel may already have dropped the pages it could not write: the
/// store stops taking writes and <see cref="Failed"/> completes, so the host can stop and be
/// restarted to recover from what is on disk (what PostgreSQL does on a failed fsync).
/// </remarks>
internal sealed class WalFlusher<TBatch> : IDisposable
{
    private readonly Action<TBatch, Exception?> _answer;
    private readonly Action<FileStream> _sync;
    private readonly Queue<(TBatch Batch, FileStream Wal)> _pending = new();
    private readonly TaskCompletionSource<Exception> _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Thread _thread;
    private FileStream? _current;
    private bool _stopping;
    private long _syncs;

    /// <param name="answer">Answers the callers of a batch: with null once it is durable, else with the error.</param>
    /// <param name="sync">Syncs the WAL file to disk (tests replace it).</param>
    public WalFlusher(Action<TBatch, Exception?> answer, Action<FileStream> sync)
    {
        _answer = answer;
        _sync = sync;
        _thread = new Thread(Run) { IsBackground = true, Name = "nova-wal-sync" };
        _thread.Start();
    }

    /// <summary>Syncs done: each one made every batch queued before it durable.</summary>
    public long Syncs => Interlocked.Read(ref _syncs);

    /// <summary>Completes with the error when a sync failed: every later write must be refused.</summary>
    public Task<Exception> Failed => _failed.Task;

    public Exception? Broken => _failed.Task.IsCompleted ? _failed.Task.Result : null;

    /// <summary>Opens the WAL file of a writer connection for syncing (created empty if SQLite has not yet).</summary>
    public static FileStream Open(string walPath) =>
        // Never written through (.NET only flushes a stream it may write). SQLite locks the
        // database and -shm files, never the WAL, so closing this descriptor cannot drop one
        // of SQLite's locks; an empty WAL file is a valid one.
        new(walPath, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);

    /// <summary>Queues a batch committed to <paramref name="wal"/>; its callers are answered after the next sync.</summary>
    public void Committed(TBatch batch, FileStream wal)
    {
        lock (_pending)
        {
            _pending.Enqueue((batch, wal));
            Monitor.Pulse(_pending);
        }
    }

    /// <summary>Syncs and answers what is queued, then stops.</summary>
    public void Dispose()
    {
        lock (_pending)
        {
            _stopping = true;
            Monitor.Pulse(_pending);
        }

        _thread.Join();
        _current?.Dispose();
    }

    private void Run()
    {
        var batches = new List<(TBatch Batch, FileStream Wal)>();
        while (true)
        {
            lock (_pending)
            {
                while (_pending.Count == 0 && !_stopping)
                {
                    Monitor.Wait(_pending);
                }

                if (_pending.Count == 0)
                {
                    return;
                }

                batches.AddRange(_pending);
                _pending.Clear();
            }

            var failure = Broken is { } broken ? Unavailable(broken) : null;
            foreach (var wal in batches.Select(b => b.Wal).Distinct())
            {
                failure ??= Sync(wal);
            }

            foreach (var (batch, _) in batches)
            {
                _answer(batch, failure);
            }

            batches.Clear();
        }
    }

    private StoreUnavailableException? Sync(FileStream wal)
    {
        if (!ReferenceEquals(wal, _current))
        {
            // A new writer connection: every batch of the old one was synced before this one.
            _current?.Dispose();
            _current = wal;
        }

        try
        {
            _sync(wal);
            Interlocked.Increment(ref _syncs);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            _failed.TrySetResult(e);
            return Unavailable(e);
        }
    }

    private static StoreUnavailableException Unavailable(Exception e) =>
        new("The store could not sync its log to disk (" + e.Message + "); it takes no writes until the process is restarted.", e);
}
