// Drag and drop for the upload form: a dropped file, or a chosen one, is
// submitted at once. Without JavaScript the form works as it is.
(function () {
  var form = document.getElementById("upload-form");
  if (!form) return;
  var zone = document.getElementById("dropzone");
  var input = document.getElementById("file");
  input.addEventListener("change", function () { if (input.files.length) form.submit(); });
  ["dragenter", "dragover"].forEach(function (t) {
    zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (t) {
    zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.remove("over"); });
  });
  zone.addEventListener("drop", function (e) {
    if (!e.dataTransfer || e.dataTransfer.files.length !== 1) return;
    input.files = e.dataTransfer.files;
    form.submit();
  });
})();
