/* Web push (pakn.notify): subscribe this browser with the server's VAPID key. Used by the console's
   preferences and by the portal's "Phản ánh của tôi"; a page may give its own (translated) texts as
   data-msg-* attributes of the box, else the Vietnamese ones below are shown. */
"use strict";

(function () {
  const box = document.getElementById("push");
  if (!box || !box.dataset.vapidKey) return;
  const status = box.querySelector("[data-push-status]");
  const enable = box.querySelector("[data-push-enable]");
  const disable = box.querySelector("[data-push-disable]");
  const csrf = (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";

  function say(text) {
    if (status) status.textContent = text;
  }

  function msg(name, vietnamese) {
    return box.dataset["msg" + name] || vietnamese;
  }

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say(msg("Unsupported", "Trình duyệt này không hỗ trợ thông báo đẩy."));
    return;
  }

  function keyBytes(base64url) {
    const padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    const raw = atob(padded);
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
    }).then((r) => r.json().then((data) => ({ ok: r.ok, data })));
  }

  function registration() {
    return navigator.serviceWorker.register(box.dataset.swUrl, { scope: box.dataset.swScope });
  }

  function show(subscribed) {
    enable.hidden = subscribed;
    disable.hidden = !subscribed;
    if (Notification.permission === "denied") {
      say(msg("Blocked", "Bạn đã chặn thông báo của trang này; hãy cho phép lại trong cài đặt trình duyệt."));
      enable.hidden = true;
    } else {
      say(subscribed ? msg("On", "Thiết bị này đang nhận thông báo đẩy.") : msg("Off", "Thiết bị này chưa nhận thông báo đẩy."));
    }
  }

  registration()
    .then((reg) => reg.pushManager.getSubscription())
    .then((sub) => show(Boolean(sub)))
    .catch(() => say(msg("Broken", "Không khởi tạo được thông báo đẩy trên trình duyệt này.")));

  enable.addEventListener("click", () => {
    enable.disabled = true;
    Notification.requestPermission()
      .then((permission) => {
        if (permission !== "granted") throw new Error("denied");
        return registration();
      })
      .then((reg) =>
        reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(box.dataset.vapidKey) })
      )
      .then((sub) => post(box.dataset.subscribeUrl, sub.toJSON()))
      .then((res) => {
        if (!res.ok) throw new Error((res.data.errors || []).join(" "));
        show(true);
      })
      .catch((e) => {
        say(e.message === "denied" ? msg("Denied", "Bạn chưa cho phép hiển thị thông báo.") : msg("Failed", "Chưa bật được thông báo đẩy.") + " " + (e.message || ""));
      })
      .finally(() => {
        enable.disabled = false;
      });
  });

  disable.addEventListener("click", () => {
    registration()
      .then((reg) => reg.pushManager.getSubscription())
      .then((sub) => {
        if (!sub) return null;
        return post(box.dataset.unsubscribeUrl, { endpoint: sub.endpoint }).then(() => sub.unsubscribe());
      })
      .then(() => show(false))
      .catch(() => say(msg("OffFailed", "Chưa tắt được thông báo đẩy.")));
  });
})();
