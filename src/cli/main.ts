console.log('golive: not yet');
