using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Nova.Core;

namespace Nova.Storage;

/// <summary>
/// The single writer of a database. Work items queue up; the writer takes every item waiting
/// (up to <see cref="MaxBatch"/>, including items that arrive while the batch runs), runs them
/// one after another in one transaction, and commits once: one fsync for many alerts. An item
/// that throws gets its exception and writes nothing; the others are run again without it and
/// still commit. Callers are answered only after the commit is durable (see <see cref="CommitSync"/>).
/// </summary>
public sealed class GroupCommitWriter : IAsyncDisposable
{
    public const int MaxBatch = 512;

    private readonly SqliteDatabase _database;
    private readonly Channel<IWorkItem> _queue = Channel.CreateBounded<IWorkItem>(new BoundedChannelOptions(8192)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly WalCheckpointer _checkpointer;
    private readonly WalFlusher<IWorkItem[]> _flusher;
    private readonly CommitSync _sync;
    private readonly ManualResetEventSlim _itemsQueued = new(false, spinCount: 0);
    private IWriterState[] _states = [];
    private bool _started;

    public GroupCommitWriter(SqliteDatabase database, CommitSync sync = CommitSync.Pipelined)
        : this(database, sync, static wal => wal.Flush(flushToDisk: true))
    {
    }

    /// <param name="syncFile">Syncs the WAL file; tests pass one that blocks or fails.</param>
    internal GroupCommitWriter(SqliteDatabase database, CommitSync sync, Action<FileStream> syncFile)
    {
        _database = database;
        _sync = sync;
        _checkpointer = new WalCheckpointer(database);
        _flusher = new WalFlusher<IWorkItem[]>(Answer, syncFile);
        // A thread of its own: the loop blocks in SQLite and in fsync for most of its time,
        // which would otherwise hold (and hop between) thread-pool threads that serve requests.
        new Thread(Run) { IsBackground = true, Name = "nova-writer" }.Start();
    }

    /// <summary>Commits counted since start: a measure of how well writes are batched.</summary>
    public long Commits { get; private set; }

    public long Items { get; private set; }

    /// <summary>Syncs of the WAL to disk; a caller is answered only after one that follows its commit.</summary>
    public long Syncs => _flusher.Syncs;

    /// <summary>
    /// Completes when a sync of the log to disk failed. From then on every write is refused;
    /// the host should stop, so that a restart recovers from what is on disk.
    /// </summary>
    public Task<Exception> Failed => _flusher.Failed;

    /// <summary>
    /// Runs <paramref name="work"/> in the writer's transaction and returns its result once the
    /// commit is durable. The work may run more than once (after another item of its batch
    /// failed and the batch was rolled back), so it must change nothing but the database
    /// through the transaction it is given and the <see cref="IWriterState"/>s enlisted with
    /// this writer (their changes are undone with the transaction); update any other
    /// in-memory state after this returns.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken ct)
    {
        var item = new WorkItem<T>(work);
        try
        {
            await _queue.Writer.WriteAsync(item, ct);
        }
        catch (ChannelClosedException e)
        {
            throw new ObjectDisposedException("The store is shutting down.", e);
        }

        return await item.Completion.Task.WaitAsync(ct);
    }

    /// <summary>
    /// Adds in-memory state whose changes follow the writer's transactions (undone when one
    /// rolls back). Only before the first write: a state enlisted later could miss the start
    /// of a transaction its work items already run in.
    /// </summary>
    public void Enlist(IWriterState state)
    {
        if (Volatile.Read(ref _started))
        {
            throw new InvalidOperationException("Writer state must be enlisted before the writer's first write.");
        }

        _states = [.. _states, state];
    }

    private void Run()
    {
        try
        {
            Loop();
            _stopped.TrySetResult();
        }
        catch (Exception e)
        {
            _stopped.TrySetException(e);
        }
    }

    private void Loop()
    {
        var batch = new List<IWorkItem>(MaxBatch);
        SqliteConnection? connection = null;
        FileStream? wal = null;
        try
        {
            while (WaitToRead())
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
                {
                    batch.Add(item);
                }

                if (_flusher.Broken is { } broken)
                {
                    Answer(batch, new StoreUnavailableException("The store takes no writes since its log could not be synced to disk (" + broken.Message + "); restart the process.", broken));
                    continue;
                }

                try
                {
                    if (connection is null)
                    {
                        (connection, wal) = OpenWriter();
                    }

                    Commit(connection, wal, batch);
                }
                catch (Exception e)
                {
                    // The commit itself failed (disk full, I/O error, database locked): nothing
                    // in the batch is durable. Tell every caller, and reopen next time (the
                    // flusher closes the old WAL descriptor once it has synced its batches).
                    connection?.Dispose();
                    connection = null;
                    wal = null;
                    var failure = new StoreUnavailableException("The store could not commit: " + e.Message, e);
                    Answer(batch, failure);
                }
            }
        }
        finally
        {
            // Batches still syncing are answered before the connection goes.
            _flusher.Dispose();
            connection?.Dispose();
            wal?.Dispose();
        }
    }

    /// <summary>
    /// Blocks the writer thread until an item is queued (true) or the queue is completed
    /// (false). It sleeps without spinning first (Task.Wait would spin): the request threads
    /// that are about to queue the next items need that CPU.
    /// </summary>
    private bool WaitToRead()
    {
        var wait = _queue.Reader.WaitToReadAsync();
        if (wait.IsCompleted)
        {
            return wait.GetAwaiter().GetResult();
        }

        _itemsQueued.Reset();
        var task = wait.AsTask();
        task.ContinueWith(static (_, state) => ((ManualResetEventSlim)state!).Set(), _itemsQueued, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _itemsQueued.Wait();
        return task.GetAwaiter().GetResult();
    }

    /// <summary>The writer's connection, and for <see cref="CommitSync.Pipelined"/> its WAL file to sync.</summary>
    private (SqliteConnection Connection, FileStream? Wal) OpenWriter()
    {
        var connection = _database.Open();
        try
        {
            using (var pragma = connection.CreateCommand())
            {
                // WAL always: the pipelined sync relies on it (a rollback journal at
                // synchronous=NORMAL would not be safe), and so do the background checkpoints.
                // Pipelined: synchronous=NORMAL, COMMIT writes the WAL frames without waiting for
                // the disk; WalFlusher syncs the WAL before any caller is answered (durability
                // unchanged) while this thread runs the next batch. BeforeVisible keeps FULL.
                // A statement that may change several rows first copies every page it changes to
                // the statement journal, which spills to a temp file past 64 KiB by default.
                // SqliteDatabase raises that limit to 1 MiB; if SQLite did not take the setting,
                // temp_store=MEMORY keeps the journal in memory instead (in 1 KiB pieces). It only
                // undoes a failed statement inside an open transaction; crash recovery never reads
                // it (the WAL does that).
                // Checkpoints run beside the writer (WalCheckpointer); its own auto-checkpoint stays
                // as the backstop that lets the WAL start over.
                pragma.CommandText = "PRAGMA journal_mode=WAL; " + (_sync == CommitSync.Pipelined ? "PRAGMA synchronous=NORMAL; " : "") +
                    (SqliteDatabase.StatementJournalConfigured ? "" : "PRAGMA temp_store=MEMORY; ") +
                    $"PRAGMA wal_autocheckpoint={WalCheckpointer.BackstopPages};";
                pragma.ExecuteNonQuery();
            }

            return (connection, _sync == CommitSync.Pipelined ? WalFlusher<IWorkItem[]>.Open(_database.Path + "-wal") : null);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private void Commit(SqliteConnection connection, FileStream? wal, List<IWorkItem> batch)
    {
        // Items run back to back in one transaction, without a savepoint each (a savepoint
        // costs two statements and a copy of every page the item touches). An item that
        // throws is rare (a bug, a constraint, a store error): the transaction is rolled back,
        // that item is answered with its error, and the rest run once more, each in a
        // savepoint of its own this time, so further failures roll back alone. Work items only
        // write through the transaction, so running one again after a rollback is the same as
        // running it once.
        var failed = RunOnce(connection, batch, isolate: false);
        if (failed >= 0)
        {
            var item = batch[failed];
            batch.RemoveAt(failed);
            Answer([item], null);
            RunOnce(connection, batch, isolate: true);
        }

        if (batch.Count == 0)
        {
            return;
        }

        Commits++;
        Items += batch.Count;
        _checkpointer.Committed();
        var committed = batch.ToArray();
        if (wal is null)
        {
            Answer(committed, null);
        }
        else
        {
            _flusher.Committed(committed, wal);
        }
    }

    /// <summary>
    /// Runs the batch in one transaction and commits it. Without <paramref name="isolate"/>:
    /// -1, or the index of the item that threw (the transaction is rolled back then; nothing
    /// of the batch is written). With it: each item runs in a savepoint; one that throws is
    /// rolled back to it, answered, and removed from the batch; the rest commit (-1).
    /// </summary>
    private int RunOnce(SqliteConnection connection, List<IWorkItem> batch, bool isolate)
    {
        Volatile.Write(ref _started, true);
        using var transaction = connection.BeginTransaction(deferred: false);
        try
        {
            foreach (var state in _states)
            {
                state.Begin(connection, transaction);
            }

            for (var i = 0; ; i++)
            {
                if (i == batch.Count)
                {
                    // Items queued while this transaction ran join it: they share its one fsync
                    // instead of waiting for a commit of their own.
                    while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
                    {
                        batch.Add(next);
                    }

                    if (i == batch.Count)
                    {
                        break;
                    }
                }

                if (!isolate)
                {
                    if (!batch[i].Run(connection, transaction))
                    {
                        transaction.Rollback();
                        RollbackStates();
                        return i;
                    }

                    continue;
                }

                var marks = Array.ConvertAll(_states, state => state.Mark());
                connection.Prepared(transaction, "SAVEPOINT item").ExecuteNonQuery();
                if (batch[i].Run(connection, transaction))
                {
                    connection.Prepared(transaction, "RELEASE item").ExecuteNonQuery();
                    continue;
                }

                connection.Prepared(transaction, "ROLLBACK TO item").ExecuteNonQuery();
                connection.Prepared(transaction, "RELEASE item").ExecuteNonQuery();
                for (var s = 0; s < _states.Length; s++)
                {
                    _states[s].RollbackTo(marks[s]);
                }

                Answer([batch[i]], null);
                batch.RemoveAt(i--);
            }

            transaction.Commit();
        }
        catch
        {
            // A statement of the writer's own or the commit failed, and the writer drops its
            // connection. Whether a failed COMMIT left the batch in the WAL is not certain, so
            // the states load again from what is on disk rather than undo.
            foreach (var state in _states)
            {
                state.Discard();
            }

            throw;
        }

        foreach (var state in _states)
        {
            state.Commit();
        }

        return -1;
    }

    private void RollbackStates()
    {
        foreach (var state in _states)
        {
            state.RollbackTo(0);
        }
    }

    /// <summary>
    /// Answers the callers of a batch from one thread-pool work item per core (one for a small
    /// batch): their continuations (writing the HTTP responses) run there one after another,
    /// instead of one work item and one thread wake-up per caller, on every core at once (one
    /// work item for the whole batch left the other core idle while it wrote), and never on
    /// the writer thread.
    /// </summary>
    private static void Answer(IReadOnlyList<IWorkItem> batch, Exception? failure)
    {
        var items = batch.ToArray();
        var parts = Math.Clamp(items.Length / 4, 1, Environment.ProcessorCount);
        for (var part = 0; part < parts; part++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static state =>
            {
                for (var i = state.Part; i < state.Items.Length; i += state.Parts)
                {
                    if (state.Failure is null)
                    {
                        state.Items[i].Complete();
                    }
                    else
                    {
                        state.Items[i].Fail(state.Failure);
                    }
                }
            }, (Items: items, Failure: failure, Part: part, Parts: parts), preferLocal: false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        try
        {
            await _stopped.Task;
        }
        finally
        {
            _checkpointer.Dispose();
            _itemsQueued.Dispose();
        }
    }

    private interface IWorkItem
    {
        bool Run(SqliteConnection connection, SqliteTransaction transaction);

        void Complete();

        void Fail(Exception error);
    }

    private sealed class WorkItem<T>(Func<SqliteConnection, SqliteTransaction, T> work) : IWorkItem
    {
        private T? _result;
        private Exception? _error;

        // Continuations run inline where the item is answered: Answer() already moved that off the writer thread.
        public TaskCompletionSource<T> Completion { get; } = new();

        public bool Run(SqliteConnection connection, SqliteTransaction transaction)
        {
            try
            {
                _result = work(connection, transaction);
                return true;
            }
            catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6 or 10 or 13)
            {
                // SQLITE_BUSY, LOCKED, IOERR, FULL: the store's trouble, not the request's; the
                // sender should retry (HTTP 503).
                _error = new StoreUnavailableException("The store could not write: " + e.Message, e);
                return false;
            }
            catch (Exception e)
            {
                _error = e;
                return false;
            }
        }

        public void Complete()
        {
            if (_error is null)
            {
                Completion.TrySetResult(_result!);
            }
            else
            {
                Completion.TrySetException(_error);
            }
        }

        public void Fail(Exception error) => Completion.TrySetException(error);
    }
}

/// <summary>When the writer's commits become durable, relative to when readers see them.</summary>
public enum CommitSync
{
    /// <summary>
    /// The WAL is synced on a second thread while the writer runs the next batch; callers are
    /// answered after the sync. Other connections may read a commit a moment before it is on
    /// disk: right for data whose readers only show it (a region's incidents).
    /// </summary>
    Pipelined,

    /// <summary>
    /// Each COMMIT syncs before it returns (synchronous=FULL), so nothing unsynced is ever
    /// read: for data read as a sequence others resume from (the control plane's change feed,
    /// whose revisions a region must never see reused after a power cut).
    /// </summary>
    BeforeVisible,
}
