using Microsoft.Data.Sqlite;

namespace Nova.Storage;

/// <summary>
/// In-memory state that the single writer keeps beside its database (an index the hot path
/// reads instead of the disk). Only work items change it, on the writer thread, and each change
/// belongs to the transaction that made it: <see cref="GroupCommitWriter"/> undoes the changes
/// of a rolled-back transaction or savepoint, so the state always equals what is committed
/// plus what the running transaction wrote.
/// </summary>
public interface IWriterState
{
    /// <summary>A transaction starts (nothing uncommitted yet): the moment to load from the database.</summary>
    void Begin(SqliteConnection connection, SqliteTransaction transaction);

    /// <summary>A position to undo back to (<see cref="RollbackTo"/>); 0 is the transaction's start.</summary>
    int Mark();

    /// <summary>Undoes every change made since <paramref name="mark"/>.</summary>
    void RollbackTo(int mark);

    /// <summary>The transaction committed: its changes stay.</summary>
    void Commit();

    /// <summary>
    /// The writer failed in a way that leaves unknown what was committed: forget everything
    /// and load again at the next <see cref="Begin"/>.
    /// </summary>
    void Discard();
}
