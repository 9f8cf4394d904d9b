using Microsoft.Data.Sqlite;

namespace Nova.Storage;

/// <summary>
/// Copies committed WAL frames into the database file on a thread of its own, so the
/// single writer does not stop for it. SQLite's default is to checkpoint inside the COMMIT
/// that crosses 1000 WAL pages, which puts a bulk copy and a database fsync on the critical
/// path of every alert waiting for that commit.
/// </summary>
/// <remarks>
/// Passive checkpoints never block the writer and change nothing about durability: a commit
/// is durable once its WAL frames are synced (WalFlusher), and a checkpoint syncs the WAL
/// before copying and the database file after. A passive checkpoint cannot let the WAL start
/// over while the writer keeps committing (that needs a moment when every frame is copied),
/// so the writer keeps SQLite's own auto-checkpoint as a backstop at
/// <see cref="BackstopPages"/>; by then nearly every frame is already copied and that inline
/// checkpoint is short.
/// </remarks>
internal sealed class WalCheckpointer : IDisposable
{
    /// <summary>The writer's wal_autocheckpoint: when the WAL holds this many pages it checkpoints inline.</summary>
    public const int BackstopPages = 10_000;

    /// <summary>How long commits gather before a pass: fewer, larger passes (each syncs twice).</summary>
    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(100);

    private readonly SqliteDatabase _database;
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly Thread _thread;
    private volatile bool _stopping;

    public WalCheckpointer(SqliteDatabase database)
    {
        _database = database;
        _thread = new Thread(Run) { IsBackground = true, Name = "nova-checkpoint" };
        _thread.Start();
    }

    /// <summary>Called after a commit: a pass will run soon. Cheap and never blocks.</summary>
    public void Committed()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled.
            }
        }
    }

    public void Dispose()
    {
        _stopping = true;
        Committed();
        _thread.Join();
        _signal.Dispose();
    }

    private void Run()
    {
        SqliteConnection? connection = null;
        try
        {
            while (true)
            {
                _signal.Wait();
                if (_stopping)
                {
                    return;
                }

                Thread.Sleep(Gather);
                try
                {
                    connection ??= _database.Open();
                    using var command = connection.CreateCommand();
                    command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                    command.ExecuteNonQuery();
                }
                catch (SqliteException)
                {
                    // Busy or an I/O error: the writer's backstop still bounds the WAL; try again
                    // after the next commit with a fresh connection.
                    connection?.Dispose();
                    connection = null;
                }
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }
}
