// Following a presenter: "Present" gives a follow link; a page opened with ?follow={presenterId}
// moves with the presenter (page, page size, sort, filter, find) until it stops following.

import { formatCount } from "./format.js";
import { describeError } from "./hub.js";

const $ = (id) => document.getElementById(id);

/**
 * <table()> gives the table's id and where this page is ({ page, pageSize, view }); <moveTo(position)>
 * shows the presenter's position; <notices> says what happened.
 */
export function createPresenting(hub, notices, { table, moveTo }) {
  const connection = hub.connection;
  let presenting = null; // this page's presentation: { id, presenterId }
  let following = null; // the presentation this page follows: { id, presenterId }

  connection.on("PresenterMoved", (id, presenterId, position) => {
    if (following?.id === id && following.presenterId === presenterId) {
      moveTo({
        page: position.page ?? 1,
        pageSize: position.pageSize ?? 100,
        view: { sort: position.sort ?? [], filter: position.filter ?? [], q: position.q ?? "" },
      });
    }
  });
  connection.on("PresentationEnded", (id, presenterId) => {
    if (following?.id === id && following.presenterId === presenterId) {
      setFollowing(null);
      notices.show("The presentation has ended. You page on your own again.", { lasting: true, key: "presentation" });
    }
  });
  connection.on("FollowerCount", (id, presenterId, count) => {
    if (presenting?.presenterId === presenterId) {
      showFollowers(count);
    }
  });
  // A new connection is a new page to the server: a presentation ended with the old one, and a follow is asked again.
  connection.onreconnected(() => {
    if (presenting) {
      setPresenting(null);
      notices.show("The connection dropped, which ended your presentation. Press Present to start again.", { lasting: true, key: "presentation" });
    }
    if (following) {
      follow(following.presenterId);
    }
  });

  $("present").addEventListener("click", async () => {
    const { id } = table();
    if (!await hub.settled()) {
      notices.show("Presenting needs a live connection. Try again when the page says Live.", { kind: "error" });
      return;
    }
    try {
      const started = await connection.invoke("Present", id);
      setPresenting({ id, presenterId: started.presenterId });
      moved();
    } catch (error) {
      notices.show(`Presenting did not start: ${describeError(error).message}`, { kind: "error" });
    }
  });
  $("stop-presenting").addEventListener("click", () => {
    const ending = presenting;
    setPresenting(null);
    connection.invoke("StopPresenting", ending.id, ending.presenterId).catch(() => { /* it ends with the connection anyway */ });
  });
  $("copy-follow-link").addEventListener("click", async () => {
    const link = followLink();
    try {
      await navigator.clipboard.writeText(link);
      $("presenting-status").textContent = "Follow link copied";
    } catch {
      $("presenting-status").textContent = `Copy this link: ${link}`;
    }
  });
  $("stop-following").addEventListener("click", () => stopFollowing());

  function followLink() {
    return `${location.origin}/t/${presenting.id}?follow=${presenting.presenterId}`;
  }

  function setPresenting(value) {
    presenting = value;
    $("present").hidden = value !== null;
    $("presenting").hidden = value === null;
    if (value) {
      $("presenting-link").textContent = followLink();
      showFollowers(0);
    }
  }

  function showFollowers(count) {
    $("presenting-status").textContent = count === 0 ? "No one follows yet" : `${formatCount(count)} following`;
  }

  function setFollowing(value) {
    following = value;
    $("following").hidden = value === null;
  }

  async function follow(presenterId) {
    const { id } = table();
    setFollowing({ id, presenterId });
    try {
      await connection.invoke("Follow", id, presenterId);
    } catch (error) {
      setFollowing(null);
      notices.show(`You are not following: ${describeError(error).message}`, { kind: "error", lasting: true, key: "presentation" });
    }
  }

  function stopFollowing() {
    const ending = following;
    setFollowing(null);
    if (ending) {
      connection.invoke("Unfollow", ending.id, ending.presenterId).catch(() => { /* following ends with the connection anyway */ });
    }
  }

  /** Tells the followers where this page is now (after every page it shows, while it presents). */
  function moved() {
    if (!presenting) {
      return;
    }
    const { page, pageSize, view } = table();
    connection.invoke("MovePresentation", presenting.id, presenting.presenterId, {
      page, pageSize, sort: view.sort, filter: view.filter, q: view.q || null,
    }).catch(() => { /* the next move, or the end of the presentation, says the rest */ });
  }

  return {
    follow,
    moved,
    /** Whether this page may move on its own: while following, only after asking to stop. */
    mayMoveOnItsOwn() {
      if (!following) {
        return true;
      }
      if (!confirm("You are following the presenter. Stop following and page on your own?")) {
        return false;
      }
      stopFollowing();
      return true;
    },
  };
}
