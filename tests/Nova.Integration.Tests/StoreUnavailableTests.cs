using System.Diagnostics;
using System.Net;
using Microsoft.Data.Sqlite;

namespace Nova.Integration.Tests;

/// <summary>
/// Regions whose writes give up on a locked database after 1 s instead of 5 s, so a test that
/// holds the lock answers quickly.
/// </summary>
public sealed class ShortBusyTimeoutTopologyFixture() : TopologyFixture(null, storeBusyTimeout: TimeSpan.FromSeconds(1));

/// <summary>
/// Transient store trouble must be a 5xx: Alertmanager retries only 5xx and network errors,
/// and drops every 4xx for good. A class of its own, because locking the region's database
/// stalls every write of this topology while it lasts.
/// </summary>
public sealed class StoreUnavailableTests(ShortBusyTimeoutTopologyFixture nova) : IClassFixture<ShortBusyTimeoutTopologyFixture>
{
    [Fact]
    public async Task Ingest_is_503_with_Retry_After_and_stores_nothing_when_the_region_database_is_locked()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);
        var webhook = TopologyFixture.Fixture("alertmanager/firing-single.json");
        var trigger = TopologyFixture.Fixture("pagerduty/trigger.json", service.IntegrationKey);

        HttpResponseMessage am, pd;
        var stopwatch = Stopwatch.StartNew();
        await using (var blocker = await LockDatabaseAsync(ct))
        {
            am = await nova.SendAlertmanagerAsync(service.IntegrationKey, webhook, ct);
            pd = await nova.SendPagerDutyAsync(trigger, ct);
            await using var release = blocker.CreateCommand();
            release.CommandText = "ROLLBACK";
            await release.ExecuteNonQueryAsync(ct);
        }

        using (am)
        using (pd)
        {
            foreach (var response in (HttpResponseMessage[])[am, pd])
            {
                await NovaApi.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, "urn:nova:problem:unavailable", ct);
                Assert.True(response.Headers.RetryAfter is not null, "a 503 tells the sender when to retry");
            }
        }

        await nova.AssertNothingStoredAsync(tenant, ct);

        // The sender's retry, once the store is back, is processed as the first delivery.
        var retried = await nova.AlertmanagerOkAsync(service, webhook, ct);
        Assert.Equal(1, retried.Opened);
        Assert.Equal("db-2/replication-lag", await nova.PagerDutyOkAsync(trigger, ct));
        Assert.Equal(2, (await nova.IncidentsOfAsync(tenant, ct)).Count);
        await nova.AssertProjectionsEqualFoldsAsync(tenant, ct);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(30), $"took {stopwatch.Elapsed}");
    }

    /// <summary>Holds the write lock of the home region's SQLite file, as another process might.</summary>
    private async Task<SqliteConnection> LockDatabaseAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = nova.Topology.RegionOptionsOf(NovaApi.Home).DatabasePath,
            Pooling = false,
            DefaultTimeout = 10,
        }.ToString());
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout = 10000; BEGIN EXCLUSIVE;";
        await command.ExecuteNonQueryAsync(ct);
        return connection;
    }
}
