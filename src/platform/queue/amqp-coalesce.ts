// amqplib's multiplexer hands each frame to the socket with its own write: a publish is three
// frames, an ack one, so a busy process made a syscall per frame. Corking the socket while the
// multiplexer empties its channels sends the frames of one pass in a single writev. This reaches
// into amqplib's connection (`muxer._readIncoming`, amqplib 2.x); if that shape is absent the
// connection is left as it is.
import type { ChannelModel } from 'amqplib'

interface Corkable {
  cork(): void
  uncork(): void
}

interface MuxLike {
  _readIncoming?: () => void
}

/** Returns whether the connection's frame writes are now coalesced. */
export function coalesceFrameWrites(model: ChannelModel): boolean {
  const inner = (model as unknown as { connection?: { muxer?: MuxLike; stream?: Partial<Corkable> } })
    .connection
  const mux = inner?.muxer
  const out = inner?.stream
  const readIncoming = mux?._readIncoming
  if (!mux || typeof readIncoming !== 'function') return false
  if (typeof out?.cork !== 'function' || typeof out.uncork !== 'function') return false
  const socket = out as Corkable
  mux._readIncoming = () => {
    socket.cork()
    try {
      readIncoming.call(mux)
    } finally {
      socket.uncork()
    }
  }
  return true
}
