/* The staff console's behaviour: response templates, the case map, and results written in the field
 * without a connection — kept in the browser (IndexedDB) and sent once when the connection returns. */
(function () {
  "use strict";

  var DB_NAME = "pakn-console";
  var STORE = "outbox";

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return String(Date.now()) + "-" + Math.random().toString(16).slice(2);
  }

  /* --- Response templates: insert the chosen text into the form's text area --------------------------- */
  document.addEventListener("change", function (ev) {
    var select = ev.target;
    if (!select.matches || !select.matches("select[data-template-target]")) return;
    var option = select.options[select.selectedIndex];
    var area = document.getElementById(select.getAttribute("data-template-target"));
    if (!area || !option || !option.value) return;
    var body = option.getAttribute("data-body") || "";
    area.value = area.value.trim() ? area.value.replace(/\s+$/, "") + "\n\n" + body : body;
    area.dispatchEvent(new Event("input", { bubbles: true }));
    area.focus();
    select.selectedIndex = 0;
  });

  /* --- The map of the case page ----------------------------------------------------------------------- */
  function initMap() {
    var el = document.getElementById("map");
    if (!el || !window.L) return;
    var lat = parseFloat(el.dataset.lat), lng = parseFloat(el.dataset.lng);
    if (isNaN(lat) || isNaN(lng)) return;
    var map = L.map(el, { scrollWheelZoom: false }).setView([lat, lng], 16);
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
    }
    L.circleMarker([lat, lng], { radius: 9, color: "#b42318", weight: 3, fillOpacity: 0.5 }).addTo(map);
  }

  /* --- IndexedDB outbox ------------------------------------------------------------------------------- */
  function openDb() {
    return new Promise(function (resolve, reject) {
      if (!window.indexedDB) return reject(new Error("no indexedDB"));
      var req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "key" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function tx(mode, fn) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode);
        var result = fn(t.objectStore(STORE));
        t.oncomplete = function () { resolve(result && "result" in result ? result.result : undefined); };
        t.onerror = function () { reject(t.error); };
      });
    });
  }

  var outbox = {
    put: function (item) { return tx("readwrite", function (s) { return s.put(item); }); },
    remove: function (key) { return tx("readwrite", function (s) { return s.delete(key); }); },
    all: function () { return tx("readonly", function (s) { return s.getAll(); }); },
  };

  function serialize(form) {
    var fields = [], files = [];
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") return;
      if (value instanceof File) {
        if (value.size) files.push([name, value]);
      } else {
        fields.push([name, value]);
      }
    });
    return { fields: fields, files: files };
  }

  function buildBody(item) {
    var data = new FormData();
    item.fields.forEach(function (f) { data.append(f[0], f[1]); });
    item.files.forEach(function (f) { data.append(f[0], f[1], f[1].name || "anh.jpg"); });
    return data;
  }

  /* Send one stored item. Resolves "sent", "refused" (kept, with the server's message) or "offline". */
  function send(item) {
    return fetch(item.url, {
      method: "POST",
      body: buildBody(item),
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) {
        item.status = "login";
        item.message = "Cần đăng nhập lại để gửi.";
        return outbox.put(item).then(function () { return "refused"; });
      }
      return response.json().then(function (body) {
        if (body.ok) return outbox.remove(item.key).then(function () { item.url = body.url; return "sent"; });
        item.status = "refused";
        item.message = body.message || "Không gửi được.";
        if (body.errors) {
          Object.keys(body.errors).forEach(function (k) { item.message += " " + body.errors[k].join(" "); });
        }
        return outbox.put(item).then(function () { return "refused"; });
      });
    }, function () { return "offline"; });
  }

  /* --- Drafts: what an official types in a result form survives a reload ------------------------------ */
  function draftKey(form, name) { return "pakn-draft:" + form.action + ":" + name; }

  function watchDrafts(form) {
    form.querySelectorAll("textarea").forEach(function (area) {
      var key = draftKey(form, area.name);
      var saved = null;
      try { saved = localStorage.getItem(key); } catch (e) { /* private mode */ }
      if (saved && !area.value.trim()) {
        area.value = saved;
        var details = form.closest("details");
        if (details) details.open = true;
      }
      area.addEventListener("input", function () {
        try { localStorage.setItem(key, area.value); } catch (e) { /* full or private */ }
      });
    });
  }

  function clearDrafts(form) {
    form.querySelectorAll("textarea").forEach(function (area) {
      try { localStorage.removeItem(draftKey(form, area.name)); } catch (e) { /* ignore */ }
    });
  }

  function note(form, text, tone) {
    var box = form.closest(".c-card").querySelector(".c-offline-note") || form.parentNode;
    box.hidden = false;
    box.className = "c-offline-note c-msg c-msg--" + (tone || "warning");
    box.textContent = text;
  }

  /* --- Forms that work in the field: submit through fetch, queue when offline --------------------------- */
  function enhance(form) {
    watchDrafts(form);
    var keyInput = form.querySelector("input[name$='client_key']");
    if (keyInput && !keyInput.value) keyInput.value = newKey();
    form.addEventListener("submit", function (ev) {
      if (form.dataset.native === "1") return;
      ev.preventDefault();
      var button = form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      var parts = serialize(form);
      var item = {
        key: keyInput ? keyInput.value : newKey(),
        url: form.action,
        code: form.dataset.offline,
        fields: parts.fields,
        files: parts.files,
        savedAt: new Date().toISOString(),
        status: "queued",
      };
      var online = navigator.onLine !== false;
      var attempt = online ? send(item) : Promise.resolve("offline");
      attempt.then(function (outcome) {
        if (outcome === "sent") {
          clearDrafts(form);
          window.location.href = item.url;
          return;
        }
        if (outcome === "offline") {
          return outbox.put(item).then(function () {
            clearDrafts(form);
            note(form, "Chưa có kết nối mạng. Kết quả đã được lưu trên máy và sẽ tự động gửi khi có mạng trở lại " +
              "(không cần nhập lại).", "warning");
            renderQueue();
          }, function () {
            note(form, "Không có kết nối và trình duyệt không lưu được kết quả. Vui lòng giữ nguyên trang và " +
              "gửi lại khi có mạng.", "error");
            if (button) button.disabled = false;
          });
        }
        // The server refused it (errors beside fields): let the page show them as usual.
        outbox.remove(item.key).catch(function () {});
        form.dataset.native = "1";
        form.submit();
      });
    });
  }

  /* --- The queue banner and the flush when the connection returns -------------------------------------- */
  function renderQueue() {
    var main = document.getElementById("main");
    if (!main) return;
    outbox.all().then(function (items) {
      var box = document.getElementById("offline-queue");
      if (!items || !items.length) {
        if (box) box.remove();
        return;
      }
      if (!box) {
        box = document.createElement("div");
        box.id = "offline-queue";
        box.className = "c-offline c-offline-queue";
        box.setAttribute("role", "status");
        main.insertBefore(box, main.firstChild);
      }
      box.textContent = "";
      var title = document.createElement("strong");
      title.textContent = "Kết quả đang chờ gửi (" + items.length + ")";
      box.appendChild(title);
      var list = document.createElement("ul");
      items.forEach(function (item) {
        var li = document.createElement("li");
        var text = "Phản ánh " + (item.code || "") + " — lưu lúc " + new Date(item.savedAt).toLocaleString("vi-VN");
        if (item.status === "refused" || item.status === "login") text += ": " + item.message;
        else text += ": sẽ gửi khi có mạng.";
        li.textContent = text;
        if (item.status === "refused") {
          var drop = document.createElement("button");
          drop.type = "button";
          drop.className = "c-btn c-btn--ghost c-btn--small";
          drop.textContent = "Bỏ bản lưu";
          drop.addEventListener("click", function () { outbox.remove(item.key).then(renderQueue); });
          li.appendChild(document.createTextNode(" "));
          li.appendChild(drop);
          var text2 = item.fields.filter(function (f) { return /result_text$/.test(f[0]); })[0];
          if (text2) {
            var pre = document.createElement("pre");
            pre.className = "c-small";
            pre.style.whiteSpace = "pre-wrap";
            pre.textContent = text2[1];
            li.appendChild(pre);
          }
        }
        list.appendChild(li);
      });
      box.appendChild(list);
    }).catch(function () {});
  }

  var flushing = false;
  function flush() {
    if (flushing || navigator.onLine === false) return;
    flushing = true;
    outbox.all().then(function (items) {
      var pending = (items || []).filter(function (i) { return i.status !== "refused"; });
      return pending.reduce(function (chain, item) {
        return chain.then(function () {
          return send(item).then(function (outcome) {
            if (outcome === "sent") {
              var box = document.createElement("div");
              box.className = "c-msg c-msg--success";
              box.setAttribute("role", "status");
              box.textContent = "Đã gửi kết quả đã lưu của phản ánh " + (item.code || "") + ".";
              var main = document.getElementById("main");
              if (main) main.insertBefore(box, main.firstChild);
            }
          });
        });
      }, Promise.resolve());
    }).catch(function () {}).then(function () {
      flushing = false;
      renderQueue();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initMap();
    document.querySelectorAll("form[data-offline]").forEach(enhance);
    if (window.indexedDB) {
      renderQueue();
      flush();
    }
  });
  window.addEventListener("online", flush);
  window.paknConsole = { flush: flush, outbox: outbox };
})();
