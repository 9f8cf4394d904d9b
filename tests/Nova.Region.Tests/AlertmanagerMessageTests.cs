using System.Text.Json;
using Nova.Region.Ingest;

namespace Nova.Region.Tests;

public sealed class AlertmanagerMessageTests
{
    [Fact]
    public void Zero_endsAt_parses_as_open_and_fractional_offsets_are_kept()
    {
        using var doc = JsonDocument.Parse("""
            {"version":"4","groupKey":"{}:{}","status":"firing","alerts":[
              {"status":"firing","labels":{"alertname":"Test"},"annotations":{},
               "startsAt":"2023-03-25T14:39:51.68943305+08:00","endsAt":"0001-01-01T00:00:00Z","fingerprint":""}]}
            """);

        var parsed = AlertmanagerMessage.Parse(doc.RootElement);

        var alert = Assert.Single(parsed.Message!.Alerts);
        Assert.Null(alert.EndsAt);
        Assert.Equal(new DateTimeOffset(2023, 3, 25, 6, 39, 51, TimeSpan.Zero).AddTicks(6894330), alert.StartsAt);
        Assert.Equal("e46aaa9fcf75dd34", alert.Fingerprint);
    }
}
