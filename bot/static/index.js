(function () {
  "use strict";
  var code = document.getElementById("embed-code");
  if (code) {
    code.textContent = '<script src="' + location.origin + '/static/widget.js" data-api="' +
      location.origin + '"></' + 'script>';
  }
})();
