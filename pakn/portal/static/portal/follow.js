/* Follow a public report by web push from this browser (issue 14, item 9). The worker that shows the
   messages is pakn.notify's (static/notify/sw.js, its own scope), as for staff. */
"use strict";

(function () {
  const box = document.getElementById("follow-push");
  if (!box || !box.dataset.key) return;
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return;
  const button = box.querySelector("button");
  const status = box.querySelector("[role=status]");
  const words = JSON.parse((document.getElementById("portal-i18n") || {}).textContent || "{}");
  const csrf = (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  box.hidden = false;

  function keyBytes(base64url) {
    const padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  }

  button.addEventListener("click", () => {
    button.disabled = true;
    Notification.requestPermission()
      .then((permission) => {
        if (permission !== "granted") throw new Error(words.push_denied || "");
        return navigator.serviceWorker.register(box.dataset.sw, { scope: box.dataset.sw.replace(/[^/]*$/, "") });
      })
      .then((reg) => reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(box.dataset.key) }))
      .then((sub) =>
        fetch(box.dataset.url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
          body: JSON.stringify(sub.toJSON()),
        })
      )
      .then((r) => r.json())
      .then((data) => {
        if (!data.ok) throw new Error(data.error || "");
        status.textContent = (words.push_following || "") + " ";
        if (data.unsubscribe) {
          const stop = document.createElement("a");
          stop.href = data.unsubscribe;
          stop.textContent = words.push_stop || "";
          status.appendChild(stop);
        }
      })
      .catch((e) => {
        status.textContent = e.message || words.push_failed || "";
        button.disabled = false;
      });
  });
})();
