using System.Text;
using System.Text.Unicode;

namespace Sidecar.Replication.Bridge;

/// <summary>
/// The gossip payload of registry deltas: a compact binary list of records. Layout (all lengths and the clock are
/// unsigned LEB128 varints): <c>version(1) count { kind(1) source domain project serviceId item clock writer
/// hasValue(1) [valueLength value] }</c>, strings as length + UTF-8; values are <see cref="RecordValueCodec"/> JSON.
/// Decoding validates every field and returns false on anything malformed; it never throws.
/// </summary>
public static class RecordDeltaCodec
{
    public const byte FormatVersion = 1;

    /// <summary>Longest key field or writer name accepted (UTF-8 bytes).</summary>
    public const int MaxStringBytes = 1024;

    /// <summary>Largest value accepted (JSON bytes).</summary>
    public const int MaxValueBytes = 1024 * 1024;

    /// <summary>Most records in one delta.</summary>
    public const int MaxRecords = 65_536;

    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>Encodes records into deltas of at most <paramref name="maxBytes"/> each (a larger record goes alone).</summary>
    public static List<byte[]> Encode(IEnumerable<Record> records, int maxBytes)
    {
        var deltas = new List<byte[]>();
        var body = new List<byte[]>();
        var size = 0;
        foreach (var record in records)
        {
            var bytes = EncodeRecord(record);
            if (body.Count > 0 && (size + bytes.Length + 8 > maxBytes || body.Count == MaxRecords))
            {
                deltas.Add(Assemble(body, size));
                body.Clear();
                size = 0;
            }

            body.Add(bytes);
            size += bytes.Length;
        }

        if (body.Count > 0)
        {
            deltas.Add(Assemble(body, size));
        }

        return deltas;
    }

    public static byte[] Encode(Record record) => Assemble([EncodeRecord(record)], 0);

    /// <summary>Decodes a delta into <paramref name="records"/> (cleared first); false, with no records, when malformed.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> delta, List<Record> records)
    {
        records.Clear();
        var reader = new Reader(delta);
        if (!reader.TryByte(out var version) || version != FormatVersion || !reader.TryVarint(out var count) || count is 0 or > MaxRecords)
        {
            return false;
        }

        for (ulong i = 0; i < count; i++)
        {
            if (!TryDecodeRecord(ref reader, out var record))
            {
                records.Clear();
                return false;
            }

            records.Add(record);
        }

        if (!reader.AtEnd)
        {
            records.Clear();
            return false;
        }

        return true;
    }

    private static bool TryDecodeRecord(ref Reader reader, out Record record)
    {
        record = null!;
        if (!reader.TryByte(out var kindByte) || kindByte is < (byte)RecordKind.Service or > (byte)RecordKind.Dependency
            || !reader.TryString(out var source) || source.Length == 0
            || !reader.TryString(out var domain)
            || !reader.TryString(out var project)
            || !reader.TryString(out var serviceId)
            || !reader.TryString(out var item)
            || !reader.TryVarint(out var clock) || clock is 0 or > long.MaxValue
            || !reader.TryString(out var writer) || writer.Length == 0
            || !reader.TryByte(out var hasValue) || hasValue > 1)
        {
            return false;
        }

        var kind = (RecordKind)kindByte;
        object? value = null;
        if (hasValue == 1)
        {
            if (!reader.TryVarint(out var length) || length is 0 or > MaxValueBytes || !reader.TryBytes((int)length, out var json)
                || !RecordValueCodec.TryDecode(kind, json, out value))
            {
                return false;
            }
        }

        record = new Record(new RecordKey(source, kind, domain, project, serviceId, item), new RecordVersion((long)clock, writer), value);
        return true;
    }

    private static byte[] EncodeRecord(Record record)
    {
        var key = record.Key;
        using var stream = new MemoryStream(128);
        stream.WriteByte((byte)key.Kind);
        WriteString(stream, key.Source);
        WriteString(stream, key.Domain);
        WriteString(stream, key.Project);
        WriteString(stream, key.ServiceId);
        WriteString(stream, key.Item);
        WriteVarint(stream, (ulong)record.Version.Clock);
        WriteString(stream, record.Version.Writer);
        if (record.Value is { } value)
        {
            var json = RecordValueCodec.Encode(key.Kind, value);
            stream.WriteByte(1);
            WriteVarint(stream, (ulong)json.Length);
            stream.Write(json);
        }
        else
        {
            stream.WriteByte(0);
        }

        return stream.ToArray();
    }

    private static byte[] Assemble(List<byte[]> body, int size)
    {
        using var stream = new MemoryStream(size + 8);
        stream.WriteByte(FormatVersion);
        WriteVarint(stream, (ulong)body.Count);
        foreach (var part in body)
        {
            stream.Write(part);
        }

        return stream.ToArray();
    }

    private static void WriteString(MemoryStream stream, string value)
    {
        var bytes = s_utf8.GetBytes(value);
        WriteVarint(stream, (ulong)bytes.Length);
        stream.Write(bytes);
    }

    private static void WriteVarint(MemoryStream stream, ulong value)
    {
        while (value >= 0x80)
        {
            stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        stream.WriteByte((byte)value);
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _at;

        public readonly bool AtEnd => _at == _data.Length;

        public bool TryByte(out byte value)
        {
            if (_at >= _data.Length)
            {
                value = 0;
                return false;
            }

            value = _data[_at++];
            return true;
        }

        public bool TryVarint(out ulong value)
        {
            value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (!TryByte(out var b))
                {
                    return false;
                }

                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return shift < 63 || b <= 1;
                }
            }

            return false;
        }

        public bool TryBytes(int length, out ReadOnlySpan<byte> bytes)
        {
            if (length < 0 || length > _data.Length - _at)
            {
                bytes = default;
                return false;
            }

            bytes = _data.Slice(_at, length);
            _at += length;
            return true;
        }

        public bool TryString(out string value)
        {
            value = "";
            if (!TryVarint(out var length) || length > MaxStringBytes || !TryBytes((int)length, out var bytes) || !Utf8.IsValid(bytes))
            {
                return false;
            }

            value = s_utf8.GetString(bytes);
            return true;
        }
    }
}
