package dev.timewarp.server.internal.visibility;

import com.google.protobuf.ByteString;
import dev.timewarp.server.internal.engine.EngineException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Paging of list results. The token is the offset of the next item, so a page stays stable while
 * nothing is added; a listing in a test server is a snapshot per call, not a cursor.
 */
public final class VisibilityPages {
  /** The real server's visibility page size limit (frontend.visibilityMaxPageSize). */
  public static final int MAX_PAGE_SIZE = 1000;

  private VisibilityPages() {}

  public record Page<T>(List<T> items, ByteString nextPageToken) {}

  public static <T> Page<T> page(List<T> all, int pageSize, ByteString token) {
    int size = pageSize <= 0 || pageSize > MAX_PAGE_SIZE ? MAX_PAGE_SIZE : pageSize;
    int from = token.isEmpty() ? 0 : offset(token);
    int to = Math.min(all.size(), from + size);
    ByteString next = to < all.size() ? ByteString.copyFrom(Integer.toString(to), StandardCharsets.UTF_8) : ByteString.EMPTY;
    return new Page<>(from >= all.size() ? List.of() : all.subList(from, to), next);
  }

  private static int offset(ByteString token) {
    try {
      int offset = Integer.parseInt(token.toString(StandardCharsets.UTF_8));
      if (offset >= 0) {
        return offset;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw EngineException.invalidArgument("Invalid NextPageToken.");
  }
}
