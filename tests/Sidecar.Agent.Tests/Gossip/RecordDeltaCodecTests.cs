using Sidecar.Agent.Gossip;
using Sidecar.Replication;
using Sidecar.Replication.Bridge;
using Record = Sidecar.Replication.Record;

namespace Sidecar.Agent.Tests.Gossip;

public sealed class RecordDeltaCodecTests
{
    [Fact]
    public void Encode_EveryKindAndTombstone_DecodesToTheSameRecords()
    {
        var records = GossipTestRecords.EveryKind("agent:a");
        var deltas = RecordDeltaCodec.Encode(records, int.MaxValue);

        var decoded = new List<Record>();
        Assert.Single(deltas);
        Assert.True(RecordDeltaCodec.TryDecode(deltas[0], decoded));
        Assert.Equal(records.Select(GossipTestRecords.Describe), decoded.Select(GossipTestRecords.Describe));
    }

    [Fact]
    public void Encode_ManyRecords_SplitsIntoDeltasUnderTheLimit()
    {
        var records = Enumerable.Range(0, 100).Select(i => GossipTestRecords.Instance("agent:a", "i-" + i, 1000 + i)).ToList();

        var deltas = RecordDeltaCodec.Encode(records, 1_000);

        Assert.True(deltas.Count > 1);
        Assert.All(deltas, d => Assert.True(d.Length <= 1_000, $"{d.Length} bytes"));
        var all = new List<Record>();
        foreach (var delta in deltas)
        {
            var part = new List<Record>();
            Assert.True(RecordDeltaCodec.TryDecode(delta, part));
            all.AddRange(part);
        }

        Assert.Equal(records.Select(GossipTestRecords.Describe), all.Select(GossipTestRecords.Describe));
    }

    [Fact]
    public void TryDecode_EveryTruncationAndTrailingByte_IsRefused()
    {
        var delta = RecordDeltaCodec.Encode(GossipTestRecords.EveryKind("agent:a"), int.MaxValue)[0];
        var records = new List<Record>();

        for (var length = 0; length < delta.Length; length++)
        {
            Assert.False(RecordDeltaCodec.TryDecode(delta.AsSpan(0, length), records), $"truncated to {length}");
            Assert.Empty(records);
        }

        Assert.False(RecordDeltaCodec.TryDecode([.. delta, 0], records));
    }

    [Fact]
    public void TryDecode_RandomGarbageAndBitFlips_NeverThrows()
    {
        var random = new Random(7);
        var records = new List<Record>();
        var valid = RecordDeltaCodec.Encode(GossipTestRecords.EveryKind("agent:a"), int.MaxValue)[0];
        for (var i = 0; i < 20_000; i++)
        {
            byte[] bytes;
            if (i % 2 == 0)
            {
                bytes = new byte[random.Next(0, 300)];
                random.NextBytes(bytes);
                if (bytes.Length > 0 && i % 4 == 0)
                {
                    bytes[0] = RecordDeltaCodec.FormatVersion;
                }
            }
            else
            {
                bytes = [.. valid];
                bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
            }

            // Either refused, or decoded into well-formed records: never an exception.
            if (RecordDeltaCodec.TryDecode(bytes, records))
            {
                Assert.All(records, r => Assert.False(string.IsNullOrEmpty(r.Key.Source)));
            }
        }
    }

    [Theory]
    [InlineData(new byte[] { 2, 1 })] // unknown format version
    [InlineData(new byte[] { 1, 0 })] // no record
    [InlineData(new byte[] { 1, 1, 9 })] // unknown kind
    [InlineData(new byte[] { 1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F })] // varint overflow
    public void TryDecode_MalformedHeader_IsRefused(byte[] bytes) => Assert.False(RecordDeltaCodec.TryDecode(bytes, []));
}
