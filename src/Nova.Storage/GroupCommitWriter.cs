using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Nova.Core;

namespace Nova.Storage;

/// <summary>
/// The single writer of a database. Work items queue up; the writer takes every item waiting
/// (up to <see cref="MaxBatch"/>), runs each inside its own savepoint of one transaction, and
/// commits once: one fsync for many alerts. An item that throws is rolled back to its
/// savepoint alone and its caller gets the exception; the others still commit. Callers are
/// answered only after the commit is durable.
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
    private readonly Task _loop;

    public GroupCommitWriter(SqliteDatabase database)
    {
        _database = database;
        _loop = Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>Commits counted since start: a measure of how well writes are batched.</summary>
    public long Commits { get; private set; }

    public long Items { get; private set; }

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

    private async Task RunAsync()
    {
        var batch = new List<IWorkItem>(MaxBatch);
        SqliteConnection? connection = null;
        try
        {
            while (await _queue.Reader.WaitToReadAsync())
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
                {
                    batch.Add(item);
                }

                try
                {
                    connection ??= _database.Open();
                    Commit(connection, batch);
                }
                catch (Exception e)
                {
                    // The commit itself failed (disk full, I/O error, database locked): nothing
                    // in the batch is durable. Tell every caller, and reopen next time.
                    connection?.Dispose();
                    connection = null;
                    var failure = new StoreUnavailableException("The store could not commit: " + e.Message, e);
                    foreach (var item in batch)
                    {
                        item.Fail(failure);
                    }
                }
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    private void Commit(SqliteConnection connection, List<IWorkItem> batch)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        for (var i = 0; i < batch.Count; i++)
        {
            var item = batch[i];
            using (var savepoint = connection.CreateCommand())
            {
                savepoint.Transaction = transaction;
                savepoint.CommandText = "SAVEPOINT item";
                savepoint.ExecuteNonQuery();
            }

            var ok = item.Run(connection, transaction);
            using var end = connection.CreateCommand();
            end.Transaction = transaction;
            end.CommandText = ok ? "RELEASE item" : "ROLLBACK TO item; RELEASE item";
            end.ExecuteNonQuery();
        }

        transaction.Commit();
        Commits++;
        Items += batch.Count;
        foreach (var item in batch)
        {
            item.Complete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
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

        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Run(SqliteConnection connection, SqliteTransaction transaction)
        {
            try
            {
                _result = work(connection, transaction);
                return true;
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
