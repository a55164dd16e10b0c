// Rows that arrive while the table is open (RowsAppended): the counts follow at once; the page on
// screen is read again when new rows belong on it (the last page, or a view, at most once a second);
// "Follow new rows" keeps the viewer on the newest rows, like tail -f, until they page away.

const $ = (id) => document.getElementById(id);
// How often the page on screen is read again while rows arrive: the last page of the file, a view.
const lastPageEveryMs = 250;
const viewEveryMs = 1000;
// The server computes a growing table's views over its rows of up to a second ago: once rows stop
// arriving, a view is read once more after that second, so it ends with every row.
const viewSettleMs = 1250;
// A page past the end, which reads as the last one: how the newest rows are asked for.
const newest = 1_000_000_000;

/**
 * <current()> gives { page, totalPages, rowsOnPage, pageSize, hasView }; <reload(page)> reads a page
 * again without a history entry; <counts(info)> shows the table's new row count and columns.
 */
export function createLiveRows({ current, reload, counts }) {
  const button = $("follow-new-rows");
  let following = false;
  let timer = null;
  let due = false;
  let wanted = null;
  let settle = null;

  button.addEventListener("click", () => {
    setFollowing(!following);
    if (following) {
      reload(newest);
    }
  });

  function setFollowing(on) {
    following = on;
    button.setAttribute("aria-pressed", String(on));
  }

  /** Reads the page again, no more often than its kind of page allows; the last call always leads to one read. */
  function schedule(everyMs, page) {
    due = true;
    wanted = page; // the latest say: following may have started or stopped meanwhile
    if (timer) {
      return;
    }
    const run = () => {
      timer = null;
      if (!due) {
        return;
      }
      due = false;
      reload(wanted());
      timer = setTimeout(run, everyMs);
    };
    run();
  }

  return {
    /** Rows were appended: <info> is the table as it is now. */
    appended(info) {
      button.hidden = false;
      counts(info);
      const { page, totalPages, rowsOnPage, pageSize, hasView } = current();
      if (hasView) {
        clearTimeout(settle);
        settle = setTimeout(() => {
          settle = null;
          if (current().hasView) {
            reload(following ? newest : current().page);
          }
        }, viewSettleMs);
      }
      if (following) {
        schedule(hasView ? viewEveryMs : lastPageEveryMs, () => newest);
      } else if (hasView) {
        schedule(viewEveryMs, () => current().page);
      } else if (page >= totalPages || rowsOnPage < pageSize) {
        schedule(lastPageEveryMs, () => current().page);
      }
    },
    /** The viewer went to <page> of <totalPages> on their own: following stops unless that is the last page. */
    moved(page, totalPages) {
      if (following && page < totalPages) {
        setFollowing(false);
      }
    },
    get following() {
      return following;
    },
  };
}
