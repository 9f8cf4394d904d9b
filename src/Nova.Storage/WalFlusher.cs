using Nova.Core;

namespace Nova.Storage;

/// <summary>
/// Makes committed transactions durable on a thread of its own: it syncs the WAL file
/// (fsync) and only then lets their callers be answered. The writer commits with
/// synchronous=NORMAL (the commit writes its WAL frames but does not wait for the disk) and
/// hands the batch here, so it can run the next batch while the disk syncs the previous one.
/// Batches that commit while a sync is running share the next sync.
/// </summary>
/// <remarks>
/// One fsync of the WAL file makes every frame written to it before the call durable,
/// whichever descriptor wrote them, so a caller answered after it has its commit on disk: the
/// same guarantee as synchronous=FULL. Readers may see a commit a moment before it is durable;
/// a crash in that moment loses only commits whose callers were never answered (senders
/// retry those). If a sync fails, the kernel may already have dropped the pages it could not
/// write, so the store stops taking writes until the process restarts and recovers from what
/// is on disk (what PostgreSQL does on a failed fsync).
/// </remarks>
internal sealed class WalFlusher<TBatch> : IDisposable
{
    private readonly string _walPath;
    private readonly Action<TBatch, Exception?> _answer;
    private readonly Queue<TBatch> _pending = new();
    private readonly Thread _thread;
    private FileStream? _wal;
    private bool _stopping;
    private volatile Exception? _broken;
    private long _syncs;

    /// <param name="walPath">The database's WAL file (database path + "-wal").</param>
    /// <param name="answer">Answers the callers of a batch: with null once it is durable, else with the error.</param>
    public WalFlusher(string walPath, Action<TBatch, Exception?> answer)
    {
        _walPath = walPath;
        _answer = answer;
        _thread = new Thread(Run) { IsBackground = true, Name = "nova-wal-sync" };
        _thread.Start();
    }

    /// <summary>Syncs done: each one made every batch queued before it durable.</summary>
    public long Syncs => Interlocked.Read(ref _syncs);

    /// <summary>Set once a sync failed: every later write must be refused.</summary>
    public Exception? Broken => _broken;

    /// <summary>Queues a committed batch; its callers are answered after the next sync.</summary>
    public void Committed(TBatch batch)
    {
        lock (_pending)
        {
            _pending.Enqueue(batch);
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
        _wal?.Dispose();
    }

    private void Run()
    {
        var batches = new List<TBatch>();
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

            var failure = _broken is { } broken ? Unavailable(broken) : Sync();
            foreach (var batch in batches)
            {
                _answer(batch, failure);
            }

            batches.Clear();
        }
    }

    private StoreUnavailableException? Sync()
    {
        try
        {
            // Opened once and never written through (.NET only flushes a stream it may write).
            // SQLite locks the database and -shm files, never the WAL, so closing this
            // descriptor cannot drop one of SQLite's locks.
            _wal ??= new FileStream(_walPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
            _wal.Flush(flushToDisk: true);
            Interlocked.Increment(ref _syncs);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _broken = e;
            return Unavailable(e);
        }
    }

    private static StoreUnavailableException Unavailable(Exception e) =>
        new("The store could not sync its log to disk (" + e.Message + "); it takes no writes until the process is restarted.", e);
}
