using System.Globalization;
using System.Reflection;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Nova.Storage;

/// <summary>
/// One SQLite database file in WAL mode. Readers open pooled connections; all writes go
/// through one <see cref="GroupCommitWriter"/> so commits are batched and never contend.
/// </summary>
public sealed class SqliteDatabase
{
    // SQLITE_CONFIG_STMTJRNL_SPILL: statement journals stay in memory up to this size, in
    // chunks of this size, before spilling to a temp file. An UPDATE of many rows (resolving
    // an incident's alerts) journals every page it changes; the default of 64 KiB would spill
    // those to a file (a pwrite per page).
    private const int ConfigStatementJournalSpill = 26;
    private const int StatementJournalSpillBytes = 1024 * 1024;

    private readonly string _connectionString;
    private readonly string _pragmas;

    /// <summary>
    /// True when SQLite took the statement-journal setting (it must be set before SQLite
    /// initializes, so it fails if another component opened a connection first).
    /// </summary>
    internal static bool StatementJournalConfigured { get; } = ConfigureStatementJournal();

    /// <param name="path">The database file.</param>
    /// <param name="busyTimeout">How long a statement waits for a lock held elsewhere before it
    /// fails (then callers answer 503); 5 s unless given. Tests that lock the file pass less.</param>
    public SqliteDatabase(string path, TimeSpan? busyTimeout = null)
    {
        var timeout = busyTimeout ?? TimeSpan.FromSeconds(5);
        _pragmas = string.Create(CultureInfo.InvariantCulture, $"PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout={(int)timeout.TotalMilliseconds};");
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            // Microsoft.Data.Sqlite retries a busy statement for this many whole seconds.
            DefaultTimeout = (int)Math.Max(1, Math.Ceiling(timeout.TotalSeconds)),
        }.ToString();
    }

    public string Path { get; }

    private static bool ConfigureStatementJournal()
    {
        try
        {
            SQLitePCL.Batteries_V2.Init();
            return SQLitePCL.raw.sqlite3_config(ConfigStatementJournalSpill, StatementJournalSpillBytes) == SQLitePCL.raw.SQLITE_OK;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException or NotSupportedException)
        {
            return false;
        }
    }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // FULL: a commit made on this connection is on disk when COMMIT returns (migrations,
        // checkpoints). The group-commit writer switches its own connection to NORMAL and
        // syncs the WAL itself before answering (WalFlusher): the durability invariant holds
        // either way.
        connection.Execute(_pragmas);
        return connection;
    }

    /// <summary>Switches to WAL and applies the embedded migrations named <c>{prefix}NNNN_name.sql</c>.</summary>
    public void Migrate(Assembly assembly, string prefix)
    {
        using var connection = Open();
        connection.Execute("PRAGMA journal_mode=WAL;");
        Migrator.Apply(connection, assembly, prefix);
    }
}

/// <summary>Versioned SQL scripts embedded in an assembly, applied in order, each once.</summary>
public static class Migrator
{
    public static IReadOnlyList<string> Apply(SqliteConnection connection, Assembly assembly, string prefix)
    {
        connection.Execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
        var applied = connection.Query<long>("SELECT version FROM schema_migrations").ToHashSet();
        var scripts = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => (Name: n, Version: long.Parse(n[prefix.Length..].Split('_')[0], System.Globalization.CultureInfo.InvariantCulture)))
            .OrderBy(s => s.Version)
            .ToList();
        var done = new List<string>();
        foreach (var (name, version) in scripts)
        {
            if (applied.Contains(version))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            var sql = reader.ReadToEnd();
            using var transaction = connection.BeginTransaction();
            connection.Execute(sql, transaction: transaction);
            connection.Execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @at)",
                new { version, name = name[prefix.Length..], at = DateTimeOffset.UtcNow.ToString("O") },
                transaction);
            transaction.Commit();
            done.Add(name);
        }

        return done;
    }
}
