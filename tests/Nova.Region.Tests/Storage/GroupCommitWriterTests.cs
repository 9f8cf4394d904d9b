using Dapper;
using Microsoft.Data.Sqlite;
using Nova.Core;
using Nova.Storage;

namespace Nova.Region.Tests.Storage;

public sealed class GroupCommitWriterTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "nova-writer-" + Guid.NewGuid().ToString("N"));
    private SqliteDatabase _database = null!;
    private GroupCommitWriter _writer = null!;

    public ValueTask InitializeAsync()
    {
        _database = new SqliteDatabase(Path.Combine(_folder, "w.db"));
        using (var c = _database.Open())
        {
            c.Execute("PRAGMA journal_mode=WAL; CREATE TABLE t (name TEXT NOT NULL UNIQUE);");
        }

        _writer = new GroupCommitWriter(_database);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_failing_item_writes_nothing_and_the_rest_of_its_batch_commits_once()
    {
        var ct = TestContext.Current.CancellationToken;
        using var gate = new ManualResetEventSlim();
        // The first item holds the writer, so the others queue up and join its transaction.
        var first = _writer.WriteAsync((c, tx) => { gate.Wait(ct); return Insert(c, tx, "first"); }, ct);
        var others = Enumerable.Range(0, 20).Select(i => i == 7
            ? _writer.WriteAsync<int>((c, tx) => { Insert(c, tx, "partial"); throw new InvalidOperationException("item 7 fails"); }, ct)
            : _writer.WriteAsync((c, tx) => Insert(c, tx, "item" + i), ct)).ToList();
        var commitsBefore = _writer.Commits;
        gate.Set();

        await first;
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => others[7]);
        Assert.Equal("item 7 fails", failure.Message);
        foreach (var (task, i) in others.Select((t, i) => (t, i)).Where(x => x.i != 7))
        {
            Assert.Equal(1, await task);
        }

        using var c = _database.Open();
        var names = c.Query<string>("SELECT name FROM t ORDER BY name").ToList();
        Assert.Equal(20, names.Count);
        Assert.DoesNotContain("partial", names);
        Assert.Contains("first", names);
        Assert.Equal(commitsBefore + 1, _writer.Commits);
    }

    [Fact]
    public async Task Enlisted_state_keeps_the_changes_of_committed_items_and_undoes_those_of_a_failed_one()
    {
        var ct = TestContext.Current.CancellationToken;
        var names = new NameSet();
        _writer.Enlist(names);
        using var gate = new ManualResetEventSlim();
        var first = _writer.WriteAsync((c, tx) => { gate.Wait(ct); names.Add("first"); return Insert(c, tx, "first"); }, ct);
        var others = Enumerable.Range(0, 10).Select(i => i == 4
            ? _writer.WriteAsync<int>((c, tx) => { names.Add("partial"); throw new InvalidOperationException("item 4 fails"); }, ct)
            : _writer.WriteAsync((c, tx) => { names.Add("item" + i); return Insert(c, tx, "item" + i); }, ct)).ToList();
        gate.Set();

        await first;
        await Assert.ThrowsAsync<InvalidOperationException>(() => others[4]);
        await Task.WhenAll(others.Where((_, i) => i != 4));

        using var c = _database.Open();
        Assert.Equal(c.Query<string>("SELECT name FROM t ORDER BY name"), names.Committed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Enlisting_state_after_the_first_write_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        await _writer.WriteAsync((c, tx) => Insert(c, tx, "first"), ct);

        var error = Assert.Throws<InvalidOperationException>(() => _writer.Enlist(new NameSet()));

        Assert.Contains("before the writer's first write", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A set whose additions are undone with their transaction, as IWriterState asks.</summary>
    private sealed class NameSet : IWriterState
    {
        private readonly List<string> _names = [];
        private int _committed;

        public IEnumerable<string> Committed => _names.Take(_committed);

        public void Add(string name) => _names.Add(name);

        public void Begin(SqliteConnection connection, SqliteTransaction transaction)
        {
        }

        public int Mark() => _names.Count - _committed;

        public void RollbackTo(int mark) => _names.RemoveRange(_committed + mark, _names.Count - _committed - mark);

        public void Commit() => _committed = _names.Count;

        public void Discard() => _names.Clear();
    }

    [Fact]
    public async Task A_write_is_answered_after_the_log_is_synced_to_disk()
    {
        var ct = TestContext.Current.CancellationToken;
        var syncs = _writer.Syncs;

        await _writer.WriteAsync((c, tx) => Insert(c, tx, "durable"), ct);

        Assert.True(_writer.Syncs > syncs, "no fsync of the WAL happened before the caller was answered");
    }

    [Fact]
    public async Task A_constraint_error_fails_only_its_own_item()
    {
        var ct = TestContext.Current.CancellationToken;
        await _writer.WriteAsync((c, tx) => Insert(c, tx, "taken"), ct);

        using var gate = new ManualResetEventSlim();
        var hold = _writer.WriteAsync((c, tx) => { gate.Wait(ct); return 0; }, ct);
        var duplicate = _writer.WriteAsync((c, tx) => Insert(c, tx, "taken"), ct);
        var fresh = _writer.WriteAsync((c, tx) => Insert(c, tx, "fresh"), ct);
        gate.Set();

        await hold;
        await Assert.ThrowsAsync<SqliteException>(() => duplicate);
        Assert.Equal(1, await fresh);
        using var c = _database.Open();
        Assert.Equal(["fresh", "taken"], c.Query<string>("SELECT name FROM t ORDER BY name"));
    }

    [Fact]
    public async Task A_write_is_not_answered_before_the_sync_of_its_log_returns()
    {
        var ct = TestContext.Current.CancellationToken;
        using var syncing = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        await using var writer = new GroupCommitWriter(_database, CommitSync.Pipelined, wal =>
        {
            syncing.Set();
            release.Wait(ct);
            wal.Flush(flushToDisk: true);
        });

        var write = writer.WriteAsync((c, tx) => Insert(c, tx, "pending"), ct);
        Assert.True(syncing.Wait(TimeSpan.FromSeconds(10), ct), "the log was never synced");
        await Task.Delay(200, ct);

        Assert.False(write.IsCompleted, "answered while its sync was still running");
        release.Set();
        Assert.Equal(1, await write);
    }

    [Fact]
    public async Task A_failed_sync_fails_its_writes_and_every_later_one_with_a_store_error()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var writer = new GroupCommitWriter(_database, CommitSync.Pipelined, _ => throw new IOException("EIO (test)"));

        var first = await Assert.ThrowsAsync<StoreUnavailableException>(() => writer.WriteAsync((c, tx) => Insert(c, tx, "lost"), ct));
        var later = await Assert.ThrowsAsync<StoreUnavailableException>(() => writer.WriteAsync((c, tx) => Insert(c, tx, "refused"), ct));

        Assert.Contains("EIO (test)", first.Message);
        Assert.Contains("restart", later.Message);
        Assert.IsType<IOException>(await writer.Failed.WaitAsync(TimeSpan.FromSeconds(10), ct));
        using var c = _database.Open();
        Assert.Equal(0, c.ExecuteScalar<long>("SELECT COUNT(*) FROM t WHERE name = 'refused'"));
    }

    [Fact]
    public async Task Items_before_a_failing_one_run_again_and_commit_once_and_a_second_failure_rolls_back_alone()
    {
        var ct = TestContext.Current.CancellationToken;
        using var gate = new ManualResetEventSlim();
        var runs = 0;
        var hold = _writer.WriteAsync((c, tx) => { gate.Wait(ct); return 0; }, ct);
        var before = _writer.WriteAsync((c, tx) => { Interlocked.Increment(ref runs); return Insert(c, tx, "before"); }, ct);
        var failing = _writer.WriteAsync<int>((c, tx) => throw new InvalidOperationException("first"), ct);
        var middle = _writer.WriteAsync((c, tx) => Insert(c, tx, "middle"), ct);
        var second = _writer.WriteAsync<int>((c, tx) => { Insert(c, tx, "half"); throw new InvalidOperationException("second"); }, ct);
        var after = _writer.WriteAsync((c, tx) => Insert(c, tx, "after"), ct);
        gate.Set();

        await hold;
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        await Assert.ThrowsAsync<InvalidOperationException>(() => second);
        Assert.Equal((1, 1, 1), (await before, await middle, await after));
        Assert.Equal(2, runs);
        using var c = _database.Open();
        Assert.Equal(["after", "before", "middle"], c.Query<string>("SELECT name FROM t ORDER BY name"));
    }

    private static int Insert(SqliteConnection c, SqliteTransaction tx, string name) =>
        c.Execute("INSERT INTO t (name) VALUES (@name)", new { name }, tx);
}
