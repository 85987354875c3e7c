using Sidecar.Replication;

namespace Sidecar.Registry;

/// <summary>Builds <c>{"instances":[...]}</c> bodies from pre-serialized instances; <c>{}</c> when there are none.</summary>
public static class InstanceJson
{
    private static readonly byte[] s_empty = "{}"u8.ToArray();

    public static byte[] Body(IEnumerable<InstanceView> instances)
    {
        using var buffer = new MemoryStream();
        var first = true;
        foreach (var instance in instances)
        {
            buffer.Write(first ? "{\"instances\":["u8 : ","u8);
            buffer.Write(instance.Json);
            first = false;
        }

        if (first)
        {
            return s_empty;
        }

        buffer.Write("]}"u8);
        return buffer.ToArray();
    }
}
