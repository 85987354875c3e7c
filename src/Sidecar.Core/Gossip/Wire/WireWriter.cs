using System.Buffers.Binary;
using System.Text;

namespace Sidecar.Gossip.Wire;

/// <summary>Appends big-endian fields to a growable buffer.</summary>
internal sealed class WireWriter(int capacity = 64)
{
    private byte[] _buffer = new byte[capacity];

    public int Length { get; private set; }

    public void Byte(byte value) => Take(1)[0] = value;

    public void UInt16(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Take(2), value);

    public void UInt32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Take(4), value);

    public void Int32(int value) => BinaryPrimitives.WriteInt32BigEndian(Take(4), value);

    public void Int64(long value) => BinaryPrimitives.WriteInt64BigEndian(Take(8), value);

    public void UInt64(ulong value) => BinaryPrimitives.WriteUInt64BigEndian(Take(8), value);

    /// <summary>A short string: one length byte, then UTF-8 (at most 255 bytes).</summary>
    public void String(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        if (length > byte.MaxValue)
        {
            throw new ArgumentException($"'{value[..Math.Min(value.Length, 40)]}...' is longer than 255 UTF-8 bytes.", nameof(value));
        }

        Byte((byte)length);
        Encoding.UTF8.GetBytes(value, Take(length));
    }

    /// <summary>A blob with a 4-byte length.</summary>
    public void Blob(ReadOnlySpan<byte> value)
    {
        Int32(value.Length);
        Raw(value);
    }

    public void Raw(ReadOnlySpan<byte> value) => value.CopyTo(Take(value.Length));

    public byte[] ToArray() => _buffer.AsSpan(0, Length).ToArray();

    private Span<byte> Take(int count)
    {
        if (Length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + count));
        }

        var span = _buffer.AsSpan(Length, count);
        Length += count;
        return span;
    }
}
