using Dapper;
using Microsoft.Data.Sqlite;
using Nova.Storage;

namespace Nova.Region.Tests.Storage;

public sealed class RegionMigrationTests : IDisposable
{
    private const string Prefix = "Nova.Region.Migrations.";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "nova-migrate-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void Alerts_stored_before_0003_are_kept_and_found_by_their_key()
    {
        var database = new SqliteDatabase(Path.Combine(_folder, "region.db"));
        var assembly = typeof(RegionOptions).Assembly;
        using (var c = database.Open())
        {
            // A store as the previous release left it: migrations 0001 and 0002 only.
            c.Execute("PRAGMA journal_mode=WAL; CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
            foreach (var (version, name) in new[] { (1, "0001_initial.sql"), (2, "0002_alert_digest.sql") })
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(Prefix + name)!);
                c.Execute(reader.ReadToEnd());
                c.Execute("INSERT INTO schema_migrations VALUES (@version, @name, '2026-01-01')", new { version, name });
            }

            c.Execute("INSERT INTO alerts (service_id, alert_index, episode, incident_id, alert_key, status, severity, last_seen_at, digest) " +
                "VALUES ('svc', 'idx', '1', 'inc', 'idx:1', 'resolved', 'warning', '2026-01-01', NULL), ('svc', 'idx', '2', 'inc', 'idx:2', 'firing', 'critical', '2026-01-02', 'd')");
        }

        database.Migrate(assembly, Prefix);

        using var after = database.Open();
        var rows = after.Query<(string Episode, string Status, string Severity, string? Digest)>(
            "SELECT episode, status, severity, digest FROM alerts WHERE service_id = 'svc' AND alert_index = 'idx' ORDER BY episode").ToList();
        Assert.Equal([("1", "resolved", "warning", null), ("2", "firing", "critical", "d")], rows);
        Assert.Contains("WITHOUT ROWID", after.ExecuteScalar<string>("SELECT sql FROM sqlite_master WHERE name = 'alerts'"));
        Assert.Equal(["alerts_incident", "alerts_stale"],
            after.Query<string>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'alerts' AND sql IS NOT NULL ORDER BY name"));
    }

    [Fact]
    public void Events_are_indexed_only_for_the_reads_that_use_them()
    {
        var database = new SqliteDatabase(Path.Combine(_folder, "region.db"));
        database.Migrate(typeof(RegionOptions).Assembly, Prefix);

        using var c = database.Open();
        // Every index is written by every ingest; events are read by incident (a timeline) and,
        // for replication, by seq (the table's own order).
        Assert.Equal(["events_incident"],
            c.Query<string>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL ORDER BY name"));
    }
}
