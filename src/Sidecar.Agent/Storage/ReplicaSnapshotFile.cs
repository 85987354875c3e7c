using System.Security.Cryptography;
using System.Text;
using Sidecar.Replication;
using Record = Sidecar.Replication.Record;

namespace Sidecar.Agent.Storage;

/// <summary>
/// A compact copy of every record and lease the LiteDB file holds, so that a start reads one file instead of scanning
/// the database (P8). LiteDB stays the source of truth: the copy is stamped with the store's commit sequence and
/// used only when it is whole (SHA-256 over its content) and that sequence is exactly the store's.
/// </summary>
/// <remarks>
/// Layout: magic, format version, sequence, records (key fields, version, value as the same UTF-8 JSON the store and
/// peers use, or -1 for a tombstone), leases (key fields, TTL and expiry in ms), then the SHA-256 of all that.
/// </remarks>
internal static class ReplicaSnapshotFile
{
    public const string FileName = "replica.snapshot";
    private const int Format = 1;
    private static readonly byte[] s_magic = "SIDECAR-SNAPSHOT"u8.ToArray();

    /// <summary>Why a snapshot was not used.</summary>
    public enum Refusal
    {
        None,
        Missing,
        Corrupt,
        Stale,
    }

    /// <summary>Writes the snapshot beside the store, atomically (a temporary file renamed over the old one).</summary>
    public static void Write(string path, long sequence, IReadOnlyList<Record> records, IReadOnlyList<KeyValuePair<RecordKey, Lease>> leases)
    {
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using (var writer = new BinaryWriter(new HashingStream(file, hash), Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(s_magic);
                writer.Write(Format);
                writer.Write(sequence);
                writer.Write(records.Count);
                foreach (var record in records)
                {
                    WriteKey(writer, record.Key);
                    writer.Write(record.Version.Clock);
                    writer.Write(record.Version.Writer);
                    if (record.Value is null)
                    {
                        writer.Write(-1);
                    }
                    else
                    {
                        var json = RecordValueCodec.Encode(record.Key.Kind, record.Value);
                        writer.Write(json.Length);
                        writer.Write(json);
                    }
                }

                writer.Write(leases.Count);
                foreach (var (key, lease) in leases)
                {
                    WriteKey(writer, key);
                    writer.Write((long)lease.Ttl.TotalMilliseconds);
                    writer.Write(lease.ExpiresAt.ToUnixTimeMilliseconds());
                }
            }

            file.Write(hash.GetHashAndReset());
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>What a snapshot file held: its sequence and content when it is whole, or why it cannot be used.</summary>
    public sealed record Contents(Refusal Refusal, long Sequence, List<Record> Records, List<KeyValuePair<RecordKey, Lease>> Leases)
    {
        public static Contents Refused(Refusal refusal) => new(refusal, -1, [], []);
    }

    /// <summary>
    /// Reads the snapshot if it is whole and stamped with <paramref name="sequence"/>; a record whose value this
    /// version cannot read makes the whole snapshot unusable (the store's own scan then decides what to skip).
    /// </summary>
    public static Refusal TryRead(string path, long sequence, out List<Record> records, out List<KeyValuePair<RecordKey, Lease>> leases)
    {
        var contents = Read(path, sequence, CancellationToken.None);
        (records, leases) = (contents.Records, contents.Leases);
        return contents.Refusal;
    }

    /// <summary>
    /// Starts reading the snapshot beside the store on the thread pool, before the store is opened, so that decoding
    /// overlaps the host's own start (P8). Only a read: the result is used once the store, opened under the data dir's
    /// lock, has confirmed its sequence (<see cref="LiteDbReplicaStore"/>); cancel it when it is not wanted.
    /// </summary>
    public static Prefetched Prefetch(string dataDir)
    {
        var cancel = new CancellationTokenSource();
        var path = Path.Combine(Path.GetFullPath(dataDir), FileName);
        return new Prefetched(path, Task.Run(() => Read(path, expectedSequence: null, cancel.Token), CancellationToken.None), cancel);
    }

    /// <summary>The sequence a snapshot file is stamped with, read from its header alone; null when it has none.</summary>
    public static long? PeekSequence(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            Span<byte> header = stackalloc byte[16 + sizeof(int) + sizeof(long)];
            file.ReadExactly(header);
            return header[..s_magic.Length].SequenceEqual(s_magic) && BitConverter.ToInt32(header[s_magic.Length..]) == Format
                ? BitConverter.ToInt64(header[(s_magic.Length + sizeof(int))..])
                : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>A snapshot being read ahead of the store (see <see cref="Prefetch"/>).</summary>
    public sealed class Prefetched(string path, Task<Contents> contents, CancellationTokenSource cancel)
    {
        public string Path { get; } = path;

        /// <summary>Waits for the read; its sequence still has to be checked against the store's.</summary>
        public Contents Wait() => contents.GetAwaiter().GetResult();

        /// <summary>Stops the read when its result is not wanted (stale, or the storage is not the agent's own).</summary>
        public void Cancel()
        {
            if (!contents.IsCompleted)
            {
                cancel.Cancel();
            }
        }
    }

    /// <summary>
    /// Reads and decodes a snapshot; with <paramref name="expectedSequence"/> a snapshot stamped otherwise is refused as
    /// stale before its values are decoded. Cancelled: refused as missing.
    /// </summary>
    public static Contents Read(string path, long? expectedSequence, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return Contents.Refused(Refusal.Missing);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Unreadable: the store's own scan decides (never a reason to treat the LiteDB file as corrupt).
            return Contents.Refused(Refusal.Corrupt);
        }

        const int HashLength = 32;
        if (bytes.Length < s_magic.Length + HashLength
            || !SHA256.HashData(bytes.AsSpan(0, bytes.Length - HashLength)).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - HashLength)))
        {
            return Contents.Refused(Refusal.Corrupt);
        }

        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length - HashLength, writable: false), Encoding.UTF8);
            if (!reader.ReadBytes(s_magic.Length).AsSpan().SequenceEqual(s_magic) || reader.ReadInt32() != Format)
            {
                return Contents.Refused(Refusal.Corrupt);
            }

            var sequence = reader.ReadInt64();
            if (expectedSequence is { } expected && sequence != expected)
            {
                return Contents.Refused(Refusal.Stale);
            }

            var count = reader.ReadInt32();
            var raw = new (RecordKey Key, RecordVersion Version, int Offset, int Length)[count];
            for (var i = 0; i < count; i++)
            {
                var key = ReadKey(reader);
                var version = new RecordVersion(reader.ReadInt64(), reader.ReadString());
                var length = reader.ReadInt32();
                var offset = (int)reader.BaseStream.Position;
                if (length > 0)
                {
                    reader.BaseStream.Seek(length, SeekOrigin.Current);
                }

                raw[i] = (key, version, offset, length);
            }

            var leases = new List<KeyValuePair<RecordKey, Lease>>();
            var leaseCount = reader.ReadInt32();
            for (var i = 0; i < leaseCount; i++)
            {
                var key = ReadKey(reader);
                leases.Add(new(key, new Lease(TimeSpan.FromMilliseconds(reader.ReadInt64()), DateTimeOffset.FromUnixTimeMilliseconds(reader.ReadInt64()))));
            }

            if (reader.BaseStream.Position != reader.BaseStream.Length)
            {
                return Contents.Refused(Refusal.Corrupt);
            }

            // Decoding the values is most of the work: spread over the cores.
            var decoded = new Record?[count];
            var readable = true;
            Parallel.For(0, count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
            {
                var (key, version, offset, length) = raw[i];
                if (length < 0)
                {
                    decoded[i] = new Record(key, version, null);
                }
                else if (RecordValueCodec.TryDecode(key.Kind, bytes.AsSpan(offset, length), out var value))
                {
                    decoded[i] = new Record(key, version, value);
                }
                else
                {
                    readable = false;
                }
            });
            if (!readable)
            {
                return Contents.Refused(Refusal.Corrupt);
            }

            var records = new List<Record>(count);
            records.AddRange(decoded!);
            return new Contents(Refusal.None, sequence, records, leases);
        }
        catch (OperationCanceledException)
        {
            return Contents.Refused(Refusal.Missing);
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or FormatException or ArgumentException or InvalidCastException)
        {
            return Contents.Refused(Refusal.Corrupt);
        }
    }

    private static void WriteKey(BinaryWriter writer, in RecordKey key)
    {
        writer.Write(key.Source);
        writer.Write((byte)key.Kind);
        writer.Write(key.Domain);
        writer.Write(key.Project);
        writer.Write(key.ServiceId);
        writer.Write(key.Item);
    }

    private static RecordKey ReadKey(BinaryReader reader)
    {
        var source = reader.ReadString();
        var kind = (RecordKind)reader.ReadByte();
        if (!Enum.IsDefined(kind))
        {
            throw new FormatException("unknown record kind " + (int)kind);
        }

        return new RecordKey(source, kind, reader.ReadString(), reader.ReadString(), reader.ReadString(), reader.ReadString());
    }

    /// <summary>Passes writes through to the file and into the hash.</summary>
    private sealed class HashingStream(Stream inner, IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            hash.AppendData(buffer);
            inner.Write(buffer);
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
