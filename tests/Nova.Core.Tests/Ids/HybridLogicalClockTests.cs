using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using Nova.Core.Ids;

namespace Nova.Core.Tests.Ids;

public sealed class HybridLogicalClockTests
{
    private const long StartMs = 1_733_241_234_567;

    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeMilliseconds(StartMs);

    [Fact]
    public void Now_follows_the_physical_clock_with_counter_zero_while_it_advances()
    {
        var time = new FakeTimeProvider(Start);
        var clock = new HybridLogicalClock(time);

        var first = clock.Now();
        time.Advance(TimeSpan.FromMilliseconds(7));
        var second = clock.Now();

        Assert.Equal(new HlcTimestamp(StartMs, 0), first);
        Assert.Equal(new HlcTimestamp(StartMs + 7, 0), second);
    }

    [Fact]
    public void Now_bumps_the_counter_while_the_clock_stands_still()
    {
        var clock = new HybridLogicalClock(new FakeTimeProvider(Start));

        var readings = Enumerable.Range(0, 4).Select(_ => clock.Now()).ToList();

        Assert.Equal(
            [new(StartMs, 0), new(StartMs, 1), new(StartMs, 2), new(StartMs, 3)],
            readings);
    }

    [Fact]
    public void Now_stays_monotonic_when_the_clock_goes_back()
    {
        var time = new FakeTimeProvider(Start);
        var clock = new HybridLogicalClock(time);
        var before = clock.Now();

        time.AdjustTime(Start.AddSeconds(-10));
        var afterStepBack = Enumerable.Range(0, 100).Select(_ => clock.Now()).ToList();

        AssertStrictlyIncreasing([before, .. afterStepBack]);
        Assert.All(afterStepBack, t => Assert.Equal(StartMs, t.WallMs));
    }

    [Fact]
    public void Now_resets_the_counter_once_the_clock_catches_up()
    {
        var time = new FakeTimeProvider(Start);
        var clock = new HybridLogicalClock(time);
        clock.Now();
        time.AdjustTime(Start.AddSeconds(-10));
        var held = clock.Now();

        time.AdjustTime(Start.AddMilliseconds(1));
        var caughtUp = clock.Now();

        Assert.Equal(new HlcTimestamp(StartMs, 1), held);
        Assert.Equal(new HlcTimestamp(StartMs + 1, 0), caughtUp);
    }

    [Fact]
    public void Observe_of_a_future_remote_jumps_ahead_of_it()
    {
        var time = new FakeTimeProvider(Start);
        var clock = new HybridLogicalClock(time);
        clock.Now();
        var remote = new HlcTimestamp(StartMs + 5_000, 7);

        var received = clock.Observe(remote);
        var next = clock.Now();

        Assert.Equal(new HlcTimestamp(StartMs + 5_000, 8), received);
        Assert.True(received > remote);
        Assert.Equal(new HlcTimestamp(StartMs + 5_000, 9), next);
    }

    [Fact]
    public void Observe_of_a_past_remote_continues_the_local_clock()
    {
        var clock = new HybridLogicalClock(new FakeTimeProvider(Start));
        var local = clock.Now();

        var received = clock.Observe(new HlcTimestamp(StartMs - 1_000, 42));

        Assert.Equal(new HlcTimestamp(StartMs, local.Counter + 1), received);
    }

    [Fact]
    public void Observe_of_a_remote_at_the_same_wall_time_takes_the_larger_counter()
    {
        var clock = new HybridLogicalClock(new FakeTimeProvider(Start));
        clock.Now();
        clock.Now(); // local (StartMs, 1)

        var fromAhead = clock.Observe(new HlcTimestamp(StartMs, 10));
        var fromBehind = clock.Observe(new HlcTimestamp(StartMs, 3));

        Assert.Equal(new HlcTimestamp(StartMs, 11), fromAhead);
        Assert.Equal(new HlcTimestamp(StartMs, 12), fromBehind);
    }

    [Fact]
    public void Observe_uses_the_physical_clock_when_it_is_ahead_of_both()
    {
        var time = new FakeTimeProvider(Start);
        var clock = new HybridLogicalClock(time);
        clock.Now();
        time.Advance(TimeSpan.FromSeconds(1));

        var received = clock.Observe(new HlcTimestamp(StartMs + 500, 3));

        Assert.Equal(new HlcTimestamp(StartMs + 1_000, 0), received);
    }

    [Fact]
    public void Observe_result_is_greater_than_the_remote_and_every_earlier_reading()
    {
        var time = new FakeTimeProvider(Start);
        var clock = new HybridLogicalClock(time);
        var readings = new List<HlcTimestamp>();
        HlcTimestamp[] remotes = [new(StartMs + 3, 0), new(StartMs - 50, 9), new(StartMs + 3, 4), new(StartMs + 20, 99), new(StartMs, 0)];

        foreach (var remote in remotes)
        {
            readings.Add(clock.Now());
            var received = clock.Observe(remote);
            Assert.True(received > remote);
            readings.Add(received);
            time.Advance(TimeSpan.FromMilliseconds(2));
        }

        AssertStrictlyIncreasing(readings);
    }

    [Fact]
    public void Counter_overflow_borrows_the_next_millisecond_instead_of_failing()
    {
        var clock = new HybridLogicalClock(new FakeTimeProvider(Start));

        var received = clock.Observe(new HlcTimestamp(StartMs, HlcTimestamp.MaxCounter));
        var next = clock.Now();

        Assert.Equal(new HlcTimestamp(StartMs + 1, 0), received);
        Assert.Equal(new HlcTimestamp(StartMs + 1, 1), next);
    }

    [Fact]
    public void Readings_stay_in_string_order_across_a_counter_overflow()
    {
        var clock = new HybridLogicalClock(new FakeTimeProvider(Start));
        clock.Observe(new HlcTimestamp(StartMs, HlcTimestamp.MaxCounter - 2));

        var texts = Enumerable.Range(0, 5).Select(_ => clock.Now().ToString()).ToList();

        Assert.Equal(texts.Order(StringComparer.Ordinal), texts);
        Assert.Equal(texts.Count, texts.Distinct().Count());
    }

    [Fact]
    public void Now_is_safe_to_call_from_many_threads()
    {
        var clock = new HybridLogicalClock(new FakeTimeProvider(Start));
        var perThread = new ConcurrentBag<List<HlcTimestamp>>();

        Parallel.For(0, 4, _ =>
        {
            var mine = new List<HlcTimestamp>(5_000);
            for (var i = 0; i < 5_000; i++)
            {
                mine.Add(i % 2 == 0 ? clock.Now() : clock.Observe(new HlcTimestamp(StartMs, i)));
            }

            perThread.Add(mine);
        });

        Assert.All(perThread, AssertStrictlyIncreasing);
        Assert.Equal(20_000, perThread.SelectMany(t => t).Distinct().Count());
    }

    [Fact]
    public void Constructor_rejects_a_null_time_provider()
    {
        Assert.Throws<ArgumentNullException>(() => new HybridLogicalClock(null!));
    }

    private static void AssertStrictlyIncreasing(IReadOnlyList<HlcTimestamp> readings)
    {
        for (var i = 1; i < readings.Count; i++)
        {
            Assert.True(readings[i - 1] < readings[i], $"{readings[i - 1]} !< {readings[i]} at {i}");
            Assert.True(string.CompareOrdinal(readings[i - 1].ToString(), readings[i].ToString()) < 0);
        }
    }
}
