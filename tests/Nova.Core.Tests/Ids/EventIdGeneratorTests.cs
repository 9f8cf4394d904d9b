using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using Nova.Core.Ids;

namespace Nova.Core.Tests.Ids;

public sealed class EventIdGeneratorTests
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeMilliseconds(1_733_241_234_567);

    [Fact]
    public void Next_makes_26_uppercase_crockford_base32_characters()
    {
        var id = new EventIdGenerator(new FakeTimeProvider(Start)).Next();

        Assert.Equal(26, id.Length);
        Assert.All(id, c => Assert.Contains(c, Alphabet));
        Assert.True(EventIds.IsValid(id));
    }

    [Fact]
    public void Next_encodes_the_clock_millisecond_as_the_ulid_spec_does()
    {
        // Timestamp vector from the ULID reference implementation's tests.
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_469_918_176_385));

        var id = new EventIdGenerator(time).Next();

        Assert.StartsWith("01ARYZ6S41", id, StringComparison.Ordinal);
    }

    [Fact]
    public void TimestampOf_returns_the_millisecond_the_id_was_made()
    {
        var time = new FakeTimeProvider(Start.AddTicks(9_999)); // sub-millisecond part is dropped
        var id = new EventIdGenerator(time).Next();

        Assert.Equal(Start, EventIds.TimestampOf(id));
    }

    [Fact]
    public void Next_increases_as_the_clock_advances()
    {
        var time = new FakeTimeProvider(Start);
        var generator = new EventIdGenerator(time);
        var ids = new List<string>();

        for (var i = 0; i < 100; i++)
        {
            ids.Add(generator.Next());
            time.Advance(TimeSpan.FromMilliseconds(1 + (i % 3)));
        }

        AssertStrictlyIncreasing(ids);
    }

    [Fact]
    public void Ten_thousand_ids_in_one_millisecond_are_strictly_increasing()
    {
        var time = new FakeTimeProvider(Start);
        var generator = new EventIdGenerator(time);

        var ids = Enumerable.Range(0, 10_000).Select(_ => generator.Next()).ToList();

        AssertStrictlyIncreasing(ids);
        Assert.All(ids, id => Assert.Equal(Start, EventIds.TimestampOf(id)));
    }

    [Fact]
    public void Ids_in_one_millisecond_share_the_timestamp_and_count_up_the_random_part()
    {
        var generator = new EventIdGenerator(new FakeTimeProvider(Start), bytes => bytes.Clear());

        var first = generator.Next();
        var second = generator.Next();

        Assert.EndsWith("0000000000000000", first, StringComparison.Ordinal);
        Assert.EndsWith("0000000000000001", second, StringComparison.Ordinal);
        Assert.Equal(first[..10], second[..10]);
    }

    [Fact]
    public void Next_keeps_increasing_when_the_clock_goes_backwards()
    {
        var time = new FakeTimeProvider(Start);
        var generator = new EventIdGenerator(time);
        var before = generator.Next();

        time.AdjustTime(Start.AddSeconds(-30));
        var afterStepBack = Enumerable.Range(0, 100).Select(_ => generator.Next()).ToList();

        AssertStrictlyIncreasing([before, .. afterStepBack]);
        // The timestamp is held at the last one used rather than following the clock back.
        Assert.All(afterStepBack, id => Assert.Equal(Start, EventIds.TimestampOf(id)));
    }

    [Fact]
    public void Next_follows_the_clock_again_once_it_passes_the_last_timestamp()
    {
        var time = new FakeTimeProvider(Start);
        var generator = new EventIdGenerator(time);
        var before = generator.Next();
        time.AdjustTime(Start.AddSeconds(-30));
        var held = generator.Next();

        time.AdjustTime(Start.AddMilliseconds(5));
        var caughtUp = generator.Next();

        AssertStrictlyIncreasing([before, held, caughtUp]);
        Assert.Equal(Start.AddMilliseconds(5), EventIds.TimestampOf(caughtUp));
    }

    [Fact]
    public void Next_borrows_the_next_millisecond_when_the_random_part_is_exhausted()
    {
        var generator = new EventIdGenerator(new FakeTimeProvider(Start), bytes => bytes.Fill(0xFF));

        var last = generator.Next();
        var borrowed = generator.Next();

        Assert.EndsWith("ZZZZZZZZZZZZZZZZ", last, StringComparison.Ordinal);
        AssertStrictlyIncreasing([last, borrowed]);
        Assert.Equal(Start.AddMilliseconds(1), EventIds.TimestampOf(borrowed));
    }

    [Fact]
    public void Next_clamps_a_clock_before_1970_to_timestamp_zero()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(1960, 1, 1, 0, 0, 0, TimeSpan.Zero));

        var id = new EventIdGenerator(time).Next();

        Assert.StartsWith("0000000000", id, StringComparison.Ordinal);
        Assert.Equal(DateTimeOffset.UnixEpoch, EventIds.TimestampOf(id));
    }

    [Fact]
    public void Next_draws_fresh_random_bits_for_each_new_millisecond()
    {
        var time = new FakeTimeProvider(Start);
        var generator = new EventIdGenerator(time);

        var randomParts = Enumerable.Range(0, 50).Select(_ =>
        {
            time.Advance(TimeSpan.FromMilliseconds(1));
            return generator.Next()[10..];
        });

        Assert.Equal(50, randomParts.Distinct().Count());
    }

    [Fact]
    public void Separate_generators_make_distinct_ids_in_the_same_millisecond()
    {
        var time = new FakeTimeProvider(Start);

        Assert.NotEqual(new EventIdGenerator(time).Next(), new EventIdGenerator(time).Next());
    }

    [Fact]
    public void Next_is_safe_to_call_from_many_threads()
    {
        var generator = new EventIdGenerator(new FakeTimeProvider(Start));
        var perThread = new ConcurrentBag<List<string>>();

        Parallel.For(0, 4, _ =>
        {
            var mine = new List<string>(5_000);
            for (var i = 0; i < 5_000; i++)
            {
                mine.Add(generator.Next());
            }

            perThread.Add(mine);
        });

        Assert.All(perThread, AssertStrictlyIncreasing);
        Assert.Equal(20_000, perThread.SelectMany(ids => ids).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Constructor_rejects_a_null_time_provider()
    {
        Assert.Throws<ArgumentNullException>(() => new EventIdGenerator(null!));
    }

    [Theory]
    [InlineData("01ARYZ6S41TSV4RRFFQ69G5FAV")]
    [InlineData("00000000000000000000000000")]
    [InlineData("76EZ91ZPZZZZZZZZZZZZZZZZZZ")] // last millisecond DateTimeOffset holds
    public void IsValid_accepts_canonical_ids(string id)
    {
        Assert.True(EventIds.IsValid(id));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("01ARYZ6S41TSV4RRFFQ69G5FA")]
    [InlineData("01ARYZ6S41TSV4RRFFQ69G5FAVX")]
    [InlineData("01aryz6s41tsv4rrffq69g5fav")] // canonical ids are uppercase
    [InlineData("01ARYZ6S41TSV4RRFFQ69G5FAI")]
    [InlineData("01ARYZ6S41TSV4RRFFQ69G5FAL")]
    [InlineData("01ARYZ6S41TSV4RRFFQ69G5FAO")]
    [InlineData("01ARYZ6S41TSV4RRFFQ69G5FAU")]
    [InlineData("01ARYZ6S41TSV4RRFFQ69G5FA-")]
    [InlineData("01ARYZ6S41 SV4RRFFQ69G5FAV")]
    [InlineData("81ARYZ6S41TSV4RRFFQ69G5FAV")] // more than 128 bits
    [InlineData("7ZZZZZZZZZ0000000000000000")] // 48-bit timestamp beyond year 9999
    [InlineData("76EZ91ZQ000000000000000000")] // first millisecond past DateTimeOffset.MaxValue
    public void IsValid_rejects_anything_else(string? id)
    {
        Assert.False(EventIds.IsValid(id!));
    }

    [Fact]
    public void TimestampOf_decodes_a_known_ulid()
    {
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_469_918_176_385), EventIds.TimestampOf("01ARYZ6S41TSV4RRFFQ69G5FAV"));
    }

    [Fact]
    public void TimestampOf_rejects_an_invalid_id()
    {
        Assert.Throws<ArgumentException>(() => EventIds.TimestampOf("not-an-id"));
        Assert.Throws<ArgumentException>(() => EventIds.TimestampOf(null!));
    }

    private static void AssertStrictlyIncreasing(IReadOnlyList<string> ids)
    {
        for (var i = 1; i < ids.Count; i++)
        {
            Assert.True(string.CompareOrdinal(ids[i - 1], ids[i]) < 0, $"{ids[i - 1]} !< {ids[i]} at {i}");
        }
    }
}
