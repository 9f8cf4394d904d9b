using Nova.Core.Alerts;

namespace Nova.Core.Tests.Alerts;

public sealed class AlertFingerprintTests
{
    private static Dictionary<string, string> Labels(params string[] namesAndValues)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < namesAndValues.Length; i += 2)
        {
            labels.Add(namesAndValues[i], namesAndValues[i + 1]);
        }

        return labels;
    }

    [Fact]
    public void Fingerprint_matches_alertmanager_for_a_single_label()
    {
        Assert.Equal("e46aaa9fcf75dd34", AlertFingerprint.Compute(Labels("alertname", "Test")));
    }

    [Fact]
    public void Fingerprint_matches_alertmanager_for_two_labels()
    {
        Assert.Equal("9266ef3da838ad95", AlertFingerprint.Compute(Labels("job", "foo", "severity", "warning")));
    }

    [Fact]
    public void Fingerprint_matches_alertmanager_for_four_labels()
    {
        var labels = Labels("alertname", "HighLatency", "instance", "api-1:9090", "job", "api", "severity", "critical");

        Assert.Equal("59d7a84a7536c84e", AlertFingerprint.Compute(labels));
    }

    [Fact]
    public void Fingerprint_matches_alertmanager_for_utf8_label_names()
    {
        Assert.Equal("79b00eeaf78a4839", AlertFingerprint.Compute(Labels("alertname", "Test", "foo🙂", "bar")));
    }

    [Fact]
    public void Fingerprint_of_no_labels_is_the_fnv_offset_basis()
    {
        Assert.Equal("cbf29ce484222325", AlertFingerprint.Compute([]));
    }

    [Fact]
    public void Fingerprint_does_not_depend_on_the_order_labels_arrive_in()
    {
        KeyValuePair<string, string>[] forward =
        [
            new("alertname", "HighLatency"), new("instance", "api-1:9090"), new("job", "api"), new("severity", "critical"),
        ];

        foreach (var permutation in new[] { forward.Reverse(), forward.OrderBy(l => l.Value, StringComparer.Ordinal), forward.Skip(2).Concat(forward.Take(2)) })
        {
            Assert.Equal("59d7a84a7536c84e", AlertFingerprint.Compute(permutation));
        }
    }

    [Fact]
    public void Fingerprint_sorts_names_by_utf8_bytes_not_by_utf16_code_units()
    {
        // U+E000 sorts before U+1F642 in UTF-8 (EE 80 80 < F0 9F 99 82) but after it in
        // UTF-16 (E000 > D83D). Go sorts by bytes; the value comes from the Go algorithm.
        var labels = Labels("\uE000", "a", "🙂", "b");

        Assert.Equal("955b196744c07d1a", AlertFingerprint.Compute(labels));
    }

    [Fact]
    public void Fingerprint_is_sixteen_lowercase_hex_digits()
    {
        var fingerprint = AlertFingerprint.Compute(Labels("alertname", "X"));

        Assert.Matches("^[0-9a-f]{16}$", fingerprint);
    }

    [Fact]
    public void Fingerprint_separates_names_from_values_so_moved_bytes_change_it()
    {
        var a = AlertFingerprint.Compute(Labels("ab", "c"));
        var b = AlertFingerprint.Compute(Labels("a", "bc"));

        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Fingerprint_differs_when_a_value_differs()
    {
        Assert.NotEqual(
            AlertFingerprint.Compute(Labels("alertname", "Test", "severity", "page")),
            AlertFingerprint.Compute(Labels("alertname", "Test", "severity", "info")));
    }

    [Fact]
    public void Fingerprint_takes_the_last_value_when_a_name_repeats_as_go_json_decoding_does()
    {
        KeyValuePair<string, string>[] repeated = [new("alertname", "Other"), new("job", "foo"), new("alertname", "Test")];

        Assert.Equal(AlertFingerprint.Compute(Labels("alertname", "Test", "job", "foo")), AlertFingerprint.Compute(repeated));
    }

    [Fact]
    public void Fingerprint_accepts_empty_names_and_values()
    {
        // Fingerprint stays well defined even for label sets Alertmanager would not accept.
        var fingerprint = AlertFingerprint.Compute(Labels("", "", "a", ""));

        Assert.Matches("^[0-9a-f]{16}$", fingerprint);
        Assert.NotEqual(AlertFingerprint.Compute(Labels("a", "")), fingerprint);
    }

    [Fact]
    public void Fingerprint_handles_label_sets_larger_than_any_pooled_first_guess()
    {
        // A lazily enumerated source has no count, so the entry buffer has to grow.
        var many = Enumerable.Range(0, 1000).Select(i => new KeyValuePair<string, string>($"label_{i:D4}", new string('v', i % 50)));
        var same = many.Reverse().ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal);

        Assert.Equal(AlertFingerprint.Compute(same), AlertFingerprint.Compute(many));
    }

    [Fact]
    public void Fingerprint_rejects_null_labels()
    {
        Assert.Throws<ArgumentNullException>(() => AlertFingerprint.Compute(null!));
        Assert.Throws<ArgumentException>(() => AlertFingerprint.Compute([new("alertname", null!)]));
        Assert.Throws<ArgumentException>(() => AlertFingerprint.Compute([new(null!, "x")]));
    }

    public static TheoryData<string, int> FixtureAlerts()
    {
        var data = new TheoryData<string, int>();
        foreach (var file in Fixtures.JsonFiles("alertmanager"))
        {
            using var body = Fixtures.Json(file);
            for (var i = 0; i < body.RootElement.GetProperty("alerts").GetArrayLength(); i++)
            {
                data.Add(file, i);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FixtureAlerts))]
    public void Fingerprint_matches_the_one_alertmanager_sent_in_each_fixture(string file, int alert)
    {
        using var body = Fixtures.Json(file);
        var sent = body.RootElement.GetProperty("alerts")[alert];
        var labels = sent.GetProperty("labels").EnumerateObject()
            .Select(p => KeyValuePair.Create(p.Name, p.Value.GetString()!))
            .ToList();

        Assert.Equal(sent.GetProperty("fingerprint").GetString(), AlertFingerprint.Compute(labels));
    }

    [Fact]
    public void Fixture_folder_holds_alertmanager_bodies_to_check_against()
    {
        // Guards the theory above against silently running zero cases.
        Assert.True(FixtureAlerts().Count >= 5);
    }
}
