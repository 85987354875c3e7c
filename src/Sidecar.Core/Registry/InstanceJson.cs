using Sidecar.Replication;

namespace Sidecar.Registry;

/// <summary>Builds <c>{"instances":[...]}</c> bodies from pre-serialized instances; <c>{}</c> when there are none.</summary>
public static class InstanceJson
{
    private static readonly byte[] s_empty = "{}"u8.ToArray();

    public static byte[] Body(IEnumerable<InstanceView> instances)
    {
        // Sized exactly, then filled: one allocation per body instead of a growing buffer and its copy (the body is
        // rebuilt for every service a write touches, P9).
        var list = instances as IReadOnlyList<InstanceView> ?? [.. instances];
        if (list.Count == 0)
        {
            return s_empty;
        }

        var length = "{\"instances\":[".Length + "]}".Length + (list.Count - 1);
        for (var i = 0; i < list.Count; i++)
        {
            length += list[i].Json.Length;
        }

        var body = GC.AllocateUninitializedArray<byte>(length);
        var span = body.AsSpan();
        "{\"instances\":["u8.CopyTo(span);
        var at = "{\"instances\":[".Length;
        for (var i = 0; i < list.Count; i++)
        {
            if (i > 0)
            {
                span[at++] = (byte)',';
            }

            list[i].Json.CopyTo(span[at..]);
            at += list[i].Json.Length;
        }

        "]}"u8.CopyTo(span[at..]);
        return body;
    }
}
